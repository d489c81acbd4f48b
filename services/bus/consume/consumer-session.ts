import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumeOptions, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { ensureConsumer, type ConsumerSpec } from "../admin/consumer.js";
import type { Logger } from "../core/logger.js";

/** Messages of one consumer, across however many pull sessions it takes to keep them coming. */
export interface ConsumerSession extends AsyncIterable<JsMsg> {
  /** Ends the current session and the iteration; buffered messages not yet taken are redelivered. */
  stop(): void;
}

/**
 * Missed heartbeats (one every `idle_heartbeat`) before a session is replaced. The client reports
 * the second one and then re-pulls by itself, but when the consumer's leader died it asks again
 * only after a whole `expires` (30 s): seen in the fault suite as subscribers idle for 30-40 s,
 * and longer, after a `kill -9` of the consumer's leader.
 */
export const RESTART_AFTER_MISSED_HEARTBEATS = 3;

const REOPEN_DELAY_MS = 1_000;

/**
 * Consumes a durable consumer and keeps doing so through node failures: when heartbeats stop
 * (the consumer's leader died, an election is under way), the session is ended, the consumer made
 * sure to exist (a durable keeps its position), and a new session started; when the server says
 * the consumer is gone, it is recreated. Iteration ends only on `stop()`, or when a session ends
 * by itself (connection closed, stream deleted).
 */
export async function openConsumerSession(
  deps: { js: JetStreamClient; jsm: JetStreamManager; spec: ConsumerSpec; name: string; log: Logger },
  options: ConsumeOptions,
): Promise<ConsumerSession> {
  const { js, jsm, spec, name, log } = deps;
  let stopped = false;
  let replacing = false;

  const start = async (): Promise<ConsumerMessages> => {
    const messages = await (await js.consumers.get(spec.stream, name)).consume(options);
    void watch(messages);
    return messages;
  };

  const watch = async (messages: ConsumerMessages): Promise<void> => {
    for await (const status of messages.status()) {
      if (status.type === "heartbeats_missed") {
        log.warn({ count: status.count }, "consumer heartbeats missed");
        // Only a durable can be taken up again by name where the last session left it.
        if (spec.durable && status.count >= RESTART_AFTER_MISSED_HEARTBEATS && !replacing && !stopped) {
          log.warn({ count: status.count }, "no heartbeats from the consumer; starting a new pull session");
          replacing = true;
          messages.stop();
        }
      }
      if (status.type === "consumer_deleted" || status.type === "consumer_not_found") {
        log.warn({ status: status.type }, "consumer lost, recreating it");
        await ensureConsumer(jsm, spec).catch((err: unknown) => log.error({ err }, "could not recreate consumer"));
      }
    }
  };

  /** A new session once the consumer answers again; undefined if stopped meanwhile. */
  const reopen = async (): Promise<ConsumerMessages | undefined> => {
    for (let attempt = 1; !stopped; attempt++) {
      try {
        await ensureConsumer(jsm, spec);
        return await start();
      } catch (err) {
        log.warn({ attempt, err: (err as Error).message }, "consumer not reachable yet; retrying");
        await sleep(REOPEN_DELAY_MS);
      }
    }
    return undefined;
  };

  let current: ConsumerMessages | undefined = await start();
  return {
    stop() {
      stopped = true;
      current?.stop();
    },
    async *[Symbol.asyncIterator]() {
      while (current) {
        for await (const msg of current) yield msg;
        if (stopped || !replacing) return;
        current = await reopen();
        replacing = false;
        if (stopped) current?.stop();
      }
    },
  };
}
