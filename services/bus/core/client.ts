import { openBus, type Bus } from "./bus.js";
import { loadConfig } from "./config.js";
import { clientConnectOptions, identityOfCredsFile } from "./connect-options.js";
import { CONNECT_TIMEOUT_MS } from "./connect.js";
import { checkStreamExists } from "./failures.js";
import { createLogger, type Logger } from "./logger.js";
import type { AllianceConfig } from "../../../schemas/config.js";
import type { Profile } from "./profiles.js";
import { resolveSettings, type ConnectionEnv, type ResolvedSettings } from "./settings.js";

export interface ConnectOptions {
  /** The connection's name as servers and monitors show it (default `alliance-sdk`). */
  readonly name?: string;
  /** A profile saved with `alliance context add` (as `--context` on the command line). */
  readonly context?: string;
  /** Server URL(s); otherwise the context's, `NATS_URL`, or nats://127.0.0.1:4222. */
  readonly servers?: string;
  /** This identity's nkey seed (`<name>.nk`) or `.creds` file; otherwise the context's or `NATS_CREDS`. */
  readonly creds?: string;
  /** The CA the server's certificate must chain to (makes TLS required); otherwise `NATS_CA`. */
  readonly ca?: string;
  /** A client certificate and key for mutual TLS; otherwise `NATS_CERT` and `NATS_KEY`. */
  readonly cert?: string;
  readonly key?: string;
  /** The alliance config, or its file; otherwise the context's, `ALLIANCE_CONFIG`, or the package's. */
  readonly config?: Readonly<AllianceConfig> | string;
  readonly log?: Logger;
  /** Where the variables come from (default `process.env`). */
  readonly env?: ConnectionEnv;
  /** The bound on the first connection (default 10 s): a failure, never a hang. */
  readonly timeoutMs?: number;
  /** Streams this program needs: a missing one fails here with ERR_NO_STREAM, not later. */
  readonly streams?: readonly string[];
}

/** A connected bus, with the settings it was made from (the signing key and directory paths among them). */
export interface ConnectedBus extends Bus {
  readonly settings: ResolvedSettings;
}

/**
 * The SDK's one way to connect, the same as the `alliance` command's: explicit options, then a
 * profile, then NATS_URL / NATS_CREDS / NATS_CA / NATS_CERT / NATS_KEY. It fails with a stable
 * code naming the cause — ERR_CONNECT_FAILED (unreachable, not NATS), ERR_CONNECT_TIMEOUT,
 * ERR_CONNECT_AUTH, ERR_CONNECT_TLS_VERIFY / ERR_CONNECT_TLS_REQUIRED, ERR_NO_STREAM,
 * ERR_PERMISSION_DENIED — within `timeoutMs`; once connected it reconnects for ever.
 */
export async function connect(options: ConnectOptions = {}): Promise<ConnectedBus> {
  const env = options.env ?? (process.env as ConnectionEnv);
  const explicit: Profile = {
    ...(options.servers ? { server: options.servers } : {}),
    ...(options.creds ? { creds: options.creds } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.cert ? { cert: options.cert } : {}),
    ...(options.key ? { key: options.key } : {}),
    ...(typeof options.config === "string" ? { config: options.config } : {}),
  };
  const settings = resolveSettings(explicit, options.context, env);
  const config = typeof options.config === "object" ? options.config : loadConfig(settings.config);
  const log = options.log ?? createLogger({ name: options.name ?? "alliance-sdk", level: "warn" });
  const connectOptions = clientConnectOptions({
    ...(settings.creds ? { credsFile: settings.creds } : {}),
    ...(settings.ca ? { caFile: settings.ca } : {}),
    ...(settings.cert ? { certFile: settings.cert } : {}),
    ...(settings.key ? { keyFile: settings.key } : {}),
  });
  const bus = await openBus({ servers: settings.server, name: options.name ?? "alliance-sdk", config, log, connectOptions, timeoutMs: options.timeoutMs ?? CONNECT_TIMEOUT_MS });
  try {
    for (const stream of options.streams ?? []) await checkStreamExists(bus, stream);
  } catch (err) {
    await bus.close();
    throw err;
  }
  return Object.assign(bus, { settings });
}

export { identityOfCredsFile };
