import type { JsMsg } from "@nats-io/jetstream";

/**
 * Keeps the ack deadline of messages this subscriber holds: pulled (and read ahead) but not yet
 * handled, or being handled. JetStream redelivers a message not acknowledged within the ack wait;
 * for a message waiting behind a slow handler that would burn one of its deliveries, and give it
 * to another process on the same durable, which would run its handler while this one still holds
 * it. Every `intervalMs` (a third of the ack wait), each held message is reported in progress.
 */
export class KeepAlive {
  private readonly held = new Map<number, { msg: JsMsg; since: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** From now until `release`, `msg` keeps its deadline. A redelivery of the same stream position replaces it. */
  hold(msg: JsMsg): void {
    this.held.set(msg.seq, { msg, since: Date.now() });
  }

  release(msg: JsMsg): void {
    if (this.held.get(msg.seq)?.msg === msg) this.held.delete(msg.seq);
  }

  /** Releases whatever delivery of stream position `seq` is held (a handler knows its position, not its message). */
  releaseSeq(seq: number): void {
    this.held.delete(seq);
  }

  get size(): number {
    return this.held.size;
  }

  private tick(): void {
    const due = Date.now() - this.intervalMs;
    for (const entry of this.held.values()) {
      if (entry.since > due) continue;
      entry.since = Date.now();
      // A lost "+WPI" only means the server may redeliver, which the processed record handles.
      try {
        entry.msg.working();
      } catch {
        // the connection is closing: nothing to keep alive
      }
    }
  }

  /** Stops the timer; messages still held are left to the ack wait (and redelivered). */
  close(): void {
    clearInterval(this.timer);
    this.held.clear();
  }
}

/**
 * Takes every message from `source` as soon as the client has it (the client pulls ahead of what
 * the loop has taken; bounded by the consumer's max_ack_pending) and holds it in `keep`, then
 * yields them in order. Iteration ends when `source` ends; messages not yet yielded are then
 * released and left to be redelivered.
 */
export async function* heldInOrder(source: AsyncIterable<JsMsg>, keep: KeepAlive, stopped: () => boolean): AsyncGenerator<JsMsg> {
  const queue: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let failure: unknown;
  const pump = (async () => {
    try {
      for await (const msg of source) {
        keep.hold(msg);
        queue.push(msg);
        wake?.();
      }
    } catch (err) {
      failure = err;
    } finally {
      ended = true;
      wake?.();
    }
  })();
  try {
    for (let head = 0; ;) {
      if (stopped()) break;
      if (head < queue.length) {
        const msg = queue[head]!;
        queue[head++] = undefined as unknown as JsMsg;
        // Compact now and then, so a long-lived queue does not grow without bound.
        if (head > 1024 && head * 2 > queue.length) queue.splice(0, head), (head = 0);
        yield msg;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure) throw failure;
  } finally {
    for (const msg of queue) if (msg) keep.release(msg);
    await pump;
  }
}
