import { randomUUID } from "node:crypto";
import type { JsMsg } from "@nats-io/jetstream";
import { ensureConsumer, type StartFrom } from "../services/bus/admin/consumer.js";
import { Header } from "../services/bus/wire/headers.js";
import { memoryProcessedRecord, openProcessedRecord } from "../services/bus/consume/idempotency.js";
import { createPublisher } from "../services/bus/publish/publisher.js";
import { subscribe } from "../services/bus/consume/subscriber.js";
import { StreamName } from "../services/bus/wire/subjects.js";
import { createVerifier } from "../services/bus/wire/verify.js";
import type { BenchEnv } from "./env.js";
import { BENCH_SUBJECT, BULLETIN, rawBody } from "./payload.js";

/** How many messages a consumer pulls at a time: the same for every workload. */
export const PULL_BATCH = 256;

/** The alliance's seven members: the seven-origin workloads publish from each in turn. */
export const SEVEN_ORIGINS = ["ae", "bh", "ma", "fr", "it", "es", "sn"] as const;

/** One way of moving bulletins through JetStream; the bench drives every workload the same way. */
export interface Workload {
  /** Stable: the key of its results in latest.json. */
  readonly name: string;
  /** What the tables say it is. */
  readonly title: string;
  /** false: throughput only, no latency runs (a workload that cannot keep up would only measure its queue). */
  readonly latency?: boolean;
  /** Publishes one bulletin under `id` and resolves on its JetStream acknowledgement. */
  publishOne(id: string): Promise<unknown>;
  /**
   * A durable pull consumer on the crime stream calling `onHandled` with each message's id, in
   * order, and the time the stream stored it (epoch ms, the server's clock): where the latency
   * runs split the publisher's share of the delay from the consumer's.
   */
  startConsumer(durable: string, startFrom: StartFrom, onHandled: (id: string, storedAtMs: number) => void): Promise<{ stop(): Promise<void> }>;
}

/** JetStream alone: publish with a message id, pull-consume and ack. No signature, no schema. */
export function rawWorkload(env: BenchEnv): Workload {
  const { js, jsm } = env.bus;
  return {
    name: "raw",
    title: "raw JetStream",
    async publishOne(id) {
      const { body } = rawBody(id);
      return js.publish(BENCH_SUBJECT, body, { msgID: id });
    },
    async startConsumer(durable, startFrom, onHandled) {
      const name = await ensureConsumer(jsm, { stream: StreamName.crime, durable, startFrom, settings: env.config.subscriber });
      const consumer = await js.consumers.get(StreamName.crime, name);
      const messages = await consumer.consume({ max_messages: PULL_BATCH, idle_heartbeat: 5_000, expires: 30_000 });
      const loop = (async () => {
        for await (const msg of messages as AsyncIterable<JsMsg>) {
          onHandled(msg.headers?.get(Header.MsgId) ?? "", msg.info.timestampNanos / 1e6);
          msg.ack();
        }
      })();
      return {
        async stop() {
          messages.stop();
          await loop;
        },
      };
    },
  };
}

/** Publishers for `origins`, taken in turn: message n comes from origins[n % length]. */
export function rotatingPublisher(env: BenchEnv, origins: readonly string[]): (id: string) => Promise<unknown> {
  const publishers = origins.map((origin) => createPublisher({ js: env.bus.js, signer: env.signers[origin]!, bounds: env.config.bounds, log: env.log }));
  let next = 0;
  return (id) => publishers[next++ % publishers.length]!.publish({ ...BULLETIN, id });
}

/**
 * The alliance's path: validate, sign, publish; consume, verify, validate, check processed, handle,
 * record, ack. `record: "memory"` (profiling only, never the bench's table) keeps the processed
 * record in memory, to show what its JetStream round trips cost. `origins`: who publishes, in
 * turn (one: `fr`, as a single member's feed; seven: the alliance).
 */
export function secureWorkload(env: BenchEnv, { record = "kv", origins = ["fr"], engine }: { record?: "kv" | "memory"; origins?: readonly string[]; engine?: "native" | "backlog" } = {}): Workload {
  const { js, jsm } = env.bus;
  const publishOne = rotatingPublisher(env, origins);
  const verify = createVerifier({ bounds: env.config.bounds, directory: env.directory, ...(engine ? { engine } : {}) });
  return {
    name: (origins.length === 1 ? "secure" : `secure-${origins.length}`) + (engine ? `-${engine}` : ""),
    title: origins.length === 1 ? "secure, one origin" : `secure, ${origins.length} origins`,
    publishOne,
    async startConsumer(durable, startFrom, onHandled) {
      return subscribe({
        js, jsm, verify, log: env.log, member: "es",
        consumer: { stream: StreamName.crime, durable, startFrom, settings: env.config.subscriber },
        processed: async (name) => (record === "memory" ? memoryProcessedRecord() : openProcessedRecord(js, name, env.config.bounds)),
        handler: async (event, ctx) => onHandled(event.id, ctx.receivedAt.getTime()),
        onRejected: (rejection) => env.log.error({ rejection }, "bench message rejected: the secure path is broken"),
      });
    },
  };
}

/** Publishes `count` messages keeping `inFlight` publishes outstanding at all times. */
export async function publishAll(workload: Workload, count: number, inFlight: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await workload.publishOne(randomUUID());
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

/** Counts handled messages and lets the bench wait, without polling, for a number of them. */
export class HandledCounter {
  count = 0;
  private waiters: { target: number; resolve: () => void }[] = [];

  readonly onHandled = (_id: string): void => {
    this.count++;
    this.waiters = this.waiters.filter((w) => (this.count >= w.target ? (w.resolve(), false) : true));
  };

  until(target: number, timeoutMs: number, what: string): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bench: ${what}: ${this.count} of ${target} messages handled after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ target, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}
