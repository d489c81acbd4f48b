import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { ConnectionOptions, NatsConnection } from "@nats-io/transport-node";
import type { AllianceConfig } from "../../../schemas/config.js";
import { connectBus } from "./connect.js";
import type { Logger } from "./logger.js";

/** One NATS connection with its JetStream handles: what every service is given. */
export interface Bus extends AsyncDisposable {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly config: Readonly<AllianceConfig>;
  /** Drains the connection: pending publishes and acks are flushed before it closes. */
  close(): Promise<void>;
}

export interface OpenBusOptions {
  readonly servers: string | string[];
  /** The connection's name as servers and monitors show it. */
  readonly name: string;
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  readonly connectOptions?: Partial<ConnectionOptions>;
  /** The bound on the first connection (connect.ts CONNECT_TIMEOUT_MS by default). */
  readonly timeoutMs?: number;
}

export async function openBus({ servers, name, config, log, connectOptions, timeoutMs }: OpenBusOptions): Promise<Bus> {
  const nc = await connectBus({ servers, name, ...(connectOptions ? { options: connectOptions } : {}), ...(timeoutMs ? { timeoutMs } : {}) }, log);
  const js = jetstream(nc, { timeout: 10_000 });
  // No API check at start: during a leader election it times out, and a service must be able to
  // start then; the first real request says whether JetStream is there.
  const jsm = await jetstreamManager(nc, { timeout: 10_000, checkAPI: false });
  const close = async () => {
    if (!nc.isClosed()) await nc.drain();
  };
  return { nc, js, jsm, config, close, [Symbol.asyncDispose]: close };
}
