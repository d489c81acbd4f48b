import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AllianceConfig } from "../../schemas/config.js";
import { openBus } from "../bus/core/bus.js";
import { loadConfig } from "../bus/core/config.js";
import type { ConnectionOptions } from "../bus/core/nats-types.js";
import { AllianceError, ErrorCode, isAllianceError } from "../bus/core/errors.js";
import { loadJwks, loadSigner } from "../bus/keys/keys.js";
import { createLogger, type Logger } from "../bus/core/logger.js";
import { provisionStreams } from "../bus/admin/streams.js";
import { createQuarantineWriter } from "../bus/consume/quarantine.js";
import { createSecretariat, type SecretariatDeps } from "./service.js";

export interface SecretariatProcessOptions {
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  readonly servers: string;
  /** The secretariat's private JWK (`sec:…`). */
  readonly keyFile: string;
  /** The founding directory (public JWKS): the trust anchor. */
  readonly directoryFile: string;
  readonly durable?: string;
  readonly connectOptions?: Partial<ConnectionOptions>;
  readonly onMemberAdmitted?: SecretariatDeps["onMemberAdmitted"];
  /** Resolves when the process should stop; SIGINT or SIGTERM by default. */
  readonly until?: Promise<void>;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
}

/**
 * The secretariat as a process: connects, provisions the streams (idempotent), runs the service
 * until a signal (or a fatal error, which rejects), then stops it and drains the connection.
 */
export async function runSecretariatProcess(options: SecretariatProcessOptions): Promise<void> {
  const { config, log } = options;
  const signer = await loadSigner(options.keyFile);
  if (signer.origin !== config.secretariat.code) {
    throw new AllianceError(ErrorCode.UsageInvalid, `${options.keyFile} is ${signer.kid}: the secretariat signs with its own key (${config.secretariat.code}:…)`);
  }
  const founding = loadJwks(options.directoryFile);
  const bus = await openBus({ servers: options.servers, name: "alliance-secretariat", config, log, ...(options.connectOptions ? { connectOptions: options.connectOptions } : {}) });
  try {
    // An administrator provisions streams where identities are restricted; elsewhere, do it here.
    await provisionStreams(bus.jsm, config.bounds, log, config.quotas).catch((err: unknown) => log.warn({ err }, "streams not provisioned by the secretariat (not permitted?); using them as they are"));
    const service = createSecretariat({
      config, bus, log, signer, founding,
      // Its quarantine ids are keyed by material only it holds, and that survives its restarts
      // (docs/protocol.md §7): derived one-way from its key file.
      quarantine: createQuarantineWriter(bus.js, { writer: config.secretariat.code, secret: readFileSync(options.keyFile) }),
      ...(options.durable ? { durable: options.durable } : {}),
      ...(options.onMemberAdmitted ? { onMemberAdmitted: options.onMemberAdmitted } : {}),
    });
    await service.start();
    const failed = service.closed.then(() => undefined);
    await Promise.race([options.until ?? signalled(), failed]);
    log.info("secretariat stopping");
    await service.stop();
    await service.closed;
  } finally {
    await bus.close();
  }
}

/** `tsx services/secretariat/main.ts`: reads the environment once, runs, exits. */
async function main(): Promise<number> {
  const env = process.env;
  const log = createLogger({ name: "secretariat", level: env.LOG_LEVEL ?? "info" });
  try {
    await runSecretariatProcess({
      config: loadConfig(env.ALLIANCE_CONFIG),
      log,
      servers: env.NATS_URL ?? "nats://127.0.0.1:4222",
      keyFile: env.ALLIANCE_KEY ?? ".data/keys/sec.jwk",
      directoryFile: env.ALLIANCE_DIRECTORY ?? ".data/keys/directory.json",
    });
    return 0;
  } catch (err) {
    log.fatal({ err, code: isAllianceError(err) ? err.code : undefined }, "secretariat failed");
    return 1;
  }
}

function isRunDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isRunDirectly()) process.exitCode = await main();
