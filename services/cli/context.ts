import type { Command } from "commander";
import type { AllianceConfig } from "../../schemas/config.js";
import { openBus, type Bus } from "../bus/core/bus.js";
import { loadConfig } from "../bus/core/config.js";
import { createLogger, type Logger } from "../bus/core/logger.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { clientConnectOptions } from "../identity/connect-options.js";
import { ADMIN_IDENTITY, identityOfSeedFile } from "../identity/identities.js";
import { readerNamesFor } from "../identity/permissions.js";
import { permissionDenied } from "../identity/violations.js";
import type { Env } from "./env.js";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

/** What every command gets: the environment, the global options, the config and a logger. */
export interface CliContext {
  readonly env: Env;
  readonly log: Logger;
  config(): Readonly<AllianceConfig>;
  server(): string;
  /** The identity NATS_CREDS names (`<name>.nk`), if any: its inbox prefix and reader names follow from it. */
  identity(): string | undefined;
  /**
   * The names a reader consumer of this identity may take on `stream`; undefined when no
   * credentials are set (the server names it). A restricted identity without any is refused here.
   */
  readerNames(stream: string): readonly string[] | undefined;
  /** Connects, runs `work`, then drains the connection whatever happened. */
  withBus<T>(name: string, work: (bus: Bus) => Promise<T>): Promise<T>;
}

export function createCliContext(env: Env, program: Command): CliContext {
  // Logs go to stderr: stdout carries the commands' data (tables, JSON lines).
  const log = createLogger({ name: "alliance", level: env.LOG_LEVEL, destination: 2, ...(env.LOG_PRETTY !== undefined ? { pretty: env.LOG_PRETTY } : {}) });
  let config: Readonly<AllianceConfig> | undefined;
  const ctx: CliContext = {
    env,
    log,
    config: () => (config ??= loadConfig(program.opts<{ config?: string }>().config ?? env.ALLIANCE_CONFIG)),
    server: () => program.opts<{ server?: string }>().server ?? env.NATS_URL ?? DEFAULT_NATS_URL,
    identity: () => (env.NATS_CREDS ? identityOfSeedFile(env.NATS_CREDS) : undefined),
    readerNames(stream) {
      const identity = ctx.identity();
      if (!env.NATS_CREDS || !identity || identity === ADMIN_IDENTITY) return undefined;
      const names = readerNamesFor(identity, stream, ctx.config());
      if (names.length === 0) {
        throw new AllianceError(ErrorCode.PermissionDenied, `identity ${identity} may not create reader consumers on ${stream} (config access.readers, access.quarantineReaders); read through a consumer declared for it with --durable (docs/security.md)`);
      }
      return names;
    },
    async withBus(name, work) {
      const connectOptions = clientConnectOptions({
        ...(env.NATS_CREDS ? { credsFile: env.NATS_CREDS } : {}),
        ...(env.NATS_CA ? { caFile: env.NATS_CA } : {}),
        ...(env.NATS_CERT ? { certFile: env.NATS_CERT } : {}),
        ...(env.NATS_KEY ? { keyFile: env.NATS_KEY } : {}),
      });
      const bus = await openBus({ servers: ctx.server(), name, config: ctx.config(), log, connectOptions });
      try {
        return await work(bus);
      } catch (err) {
        // A refusal by the broker is the identity's permissions at work: say so, with a stable code.
        throw permissionDenied(err, ctx.identity()) ?? err;
      } finally {
        await bus.close();
      }
    },
  };
  return ctx;
}
