import { setTimeout as sleep } from "node:timers/promises";
import { Header } from "../bus/wire/headers.js";
import type { Logger } from "../bus/core/logger.js";
import type { JetStreamClient, JsMsg } from "../bus/core/nats-types.js";
import { followStream } from "../bus/admin/follow-stream.js";
import { describeQuarantined } from "../bus/admin/quarantine-report.js";
import { StreamName } from "../bus/wire/subjects.js";
import { MONITOR_CONSUMER_PREFIX } from "./collect.js";
import { QuarantineCounter } from "./quarantine-tally.js";
import type { QuarantineExample, QuarantineTally } from "./types.js";

export interface QuarantineFeed extends AsyncDisposable {
  /** The counts so far: every message from the first retained one up to the last read. */
  tally(now?: number): QuarantineTally;
  /** Resolves once the feed has read up to `seq` (or `timeoutMs` passed); true if it got there. */
  readUpTo(seq: number, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Wait before reopening the reader after an error (stream missing, connection lost). */
const RETRY_MS = 2_000;

/**
 * Follows the quarantine stream with an ordered consumer that fetches headers only (reason,
 * claimed origin, detail; never the quarantined bodies). It reads the retained history once, then
 * only what is new; after an error it resumes after the last sequence it counted.
 */
export function startQuarantineFeed(js: JetStreamClient, log: Logger): QuarantineFeed {
  const counter = new QuarantineCounter();
  let stopped = false;
  let current: { stop(): void } | undefined;

  const loop = (async () => {
    while (!stopped) {
      try {
        const messages = await followStream(js, StreamName.quarantine, {
          namePrefix: MONITOR_CONSUMER_PREFIX,
          headersOnly: true,
          ...(counter.lastSeq > 0 ? { fromSeq: counter.lastSeq + 1 } : {}),
          maxMessages: 500,
        });
        current = messages;
        if (stopped) messages.stop();
        for await (const msg of messages) {
          counter.add(toExample(msg));
        }
      } catch (err) {
        if (!stopped) log.warn({ err }, "quarantine feed interrupted; resuming");
      }
      if (!stopped) await sleep(RETRY_MS);
    }
  })();

  const stop = async () => {
    stopped = true;
    current?.stop();
    await loop;
  };
  return {
    tally: (now = Date.now()) => counter.snapshot(now),
    async readUpTo(seq, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (counter.lastSeq < seq && Date.now() < deadline) await sleep(25);
      return counter.lastSeq >= seq;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function toExample(msg: JsMsg): QuarantineExample {
  const entry = describeQuarantined(msg);
  // Headers only: the body's size comes in Nats-Msg-Size.
  const size = Number(msg.headers?.get(Header.MsgSize));
  return {
    seq: entry.seq,
    time: entry.time,
    writer: entry.writer,
    reason: entry.reason,
    detail: entry.detail,
    claimedOrigin: entry.claimedOrigin,
    originalSubject: entry.originalSubject,
    consumer: entry.consumer,
    bytes: Number.isFinite(size) ? size : entry.bytes,
  };
}
