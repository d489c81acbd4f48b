import { connect, errors, type ConnectionOptions, type NatsConnection } from "@nats-io/transport-node";
import { connectFailure } from "./connect-errors.js";
import type { Logger } from "./logger.js";
import { probeAny } from "./probe.js";

/** How long a first connection may take before it fails with a stable code: never a hang. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** A NATS server greets at once: a port silent this long is not one. */
const PROBE_TIMEOUT_MS = 5_000;

export type { NatsConnection };

export interface ConnectSettings {
  /** One URL, a list, or a comma-separated list ("nats://n1:4222,nats://n2:4222"), as NATS_URL may hold. */
  readonly servers: string | string[];
  readonly name: string;
  /** Extra client options (credentials, TLS) from the caller's config. */
  readonly options?: Partial<ConnectionOptions>;
  /** The bound on the first connection (default CONNECT_TIMEOUT_MS); reconnects after it are unbounded. */
  readonly timeoutMs?: number;
}

/**
 * Connects and keeps reconnecting forever (with jitter, so that a fleet of services does not
 * stampede a restarted server). Every state change is logged.
 */
export async function connectBus({ servers, name, options, timeoutMs = CONNECT_TIMEOUT_MS }: ConnectSettings, log: Logger): Promise<NatsConnection> {
  let nc: NatsConnection;
  // A port that accepts and never greets (an HTTP port) would leave the client's socket open
  // after its timeout: check first that something speaks NATS there.
  await probeAny(serverList(servers), Math.min(timeoutMs, PROBE_TIMEOUT_MS));
  try {
    nc = await connect({
      timeout: timeoutMs,
      // Every node of a cluster, so that a client starting while one node is down reaches another.
      servers: serverList(servers),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      reconnectJitter: 500,
      pingInterval: 10_000,
      // Otherwise every request (each publish, each processed-record read and write) builds two
      // Error objects with stack traces up front, in case it fails: a tenth of a subscriber's CPU
      // (docs/performance.md). Errors still say what failed; they lose only the caller's frames.
      noAsyncTraces: true,
      ...options,
    });
  } catch (cause) {
    throw connectFailure(cause, servers, options?.tls);
  }
  log.info({ server: nc.getServer() }, "connected to NATS");
  void watchStatus(nc, log);
  return nc;
}

/** The servers as a list: NATS_URL may name every node of a cluster, separated by commas. */
export function serverList(servers: string | string[]): string[] {
  return (typeof servers === "string" ? servers.split(",") : servers).map((s) => s.trim()).filter(Boolean);
}

async function watchStatus(nc: NatsConnection, log: Logger): Promise<void> {
  for await (const status of nc.status()) {
    switch (status.type) {
      case "disconnect":
      case "reconnecting":
      case "staleConnection":
        log.warn({ status: status.type, server: "server" in status ? status.server : undefined }, "NATS connection state");
        break;
      case "reconnect":
        log.info({ status: status.type, server: status.server }, "NATS reconnected");
        break;
      case "error":
        // A refused operation is this identity's permissions at work, not a broken connection.
        if (status.error instanceof errors.PermissionViolationError) {
          // The refused operation fails with its own error; this is the connection's record of it.
          log.info({ operation: status.error.operation, subject: status.error.subject }, "the broker refused an operation: permissions violation");
        } else {
          log.error({ status: status.type, err: status.error }, "NATS connection error");
        }
        break;
      default:
        log.debug({ status: status.type }, "NATS connection state");
    }
  }
}
