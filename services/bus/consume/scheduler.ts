/** What `prepare` gave for one item: its value, or the error it failed with. */
export type Prepared<P> = { ok: true; value: P } | { ok: false; error: unknown };

/**
 * What must stay in order among a subscriber's messages (config `subscriber.ordering`):
 * - `origin` (default): each publishing member's messages are handled one at a time in stream
 *   order; different members' messages are handled concurrently. What the protocol promises.
 * - `subject`: in order per subject (per origin and kind on a channel); more concurrency, and a
 *   member's bulletin may be handled before its earlier alert.
 * - `none`: no order at all; only the concurrency bound and "one handler per event id at a time".
 */
export type OrderingKey = "origin" | "subject" | "none";

export interface ScheduleOptions<T> {
  /** No more than this many items between the source and the end of their `finish`. */
  readonly depth: number;
  /** No more than this many `finish` calls running at once. */
  readonly concurrency: number;
  /** Items with the same key are finished one at a time, in source order; undefined: no constraint. */
  readonly keyOf: (item: T) => string | undefined;
}

/** A FIFO counting semaphore: the order of `acquire` is the order of entry. */
class Slots {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Runs `prepare` on up to `depth` items of `source` as they come, and `finish` on each once it is
 * prepared, once the previous item with the same key has been finished, and once one of
 * `concurrency` slots is free. The subscriber verifies and looks up messages this way while
 * handlers work through them, in order per origin, several origins at once. `finish` must not throw.
 * Concurrency 1 with one key for every item is strictly in source order; depth 1 is strictly one
 * item at a time.
 */
export async function schedule<T, P>(
  source: AsyncIterable<T>,
  options: ScheduleOptions<T>,
  prepare: (item: T) => Promise<P>,
  finish: (item: T, prepared: Prepared<P>) => Promise<void>,
): Promise<void> {
  const depth = Math.max(1, options.depth);
  const slots = new Slots(Math.max(1, options.concurrency));
  /** The last item of each key not yet finished: the next one of that key waits for it. */
  const tails = new Map<string, Promise<void>>();
  const open = new Set<Promise<void>>();
  let room: (() => void) | undefined;

  for await (const item of source) {
    const prepared = prepare(item).then(
      (value): Prepared<P> => ({ ok: true, value }),
      (error: unknown): Prepared<P> => ({ ok: false, error }),
    );
    const key = options.keyOf(item);
    const before = key === undefined ? undefined : tails.get(key);
    const done = (async () => {
      const ready = await prepared;
      if (before) await before;
      await slots.acquire();
      try {
        await finish(item, ready);
      } finally {
        slots.release();
      }
    })();
    open.add(done);
    if (key !== undefined) tails.set(key, done);
    void done.finally(() => {
      open.delete(done);
      if (key !== undefined && tails.get(key) === done) tails.delete(key);
      room?.();
    });
    // Back-pressure: wait for one item to finish before reading another.
    while (open.size >= depth) await new Promise<void>((resolve) => (room = resolve));
    room = undefined;
  }
  await Promise.all(open);
}

/**
 * `schedule` with every item under one key and one slot: `finish` sees every item one at a time,
 * in source order, each after the previous one's `finish` has resolved.
 */
export function readAhead<T, P>(
  source: AsyncIterable<T>,
  depth: number,
  prepare: (item: T) => Promise<P>,
  finish: (item: T, prepared: Prepared<P>) => Promise<void>,
): Promise<void> {
  return schedule(source, { depth, concurrency: 1, keyOf: () => "" }, prepare, finish);
}

/** The ordering key of a message on `subject` (`alliance.<channel>.<origin>.<kind>`). */
export function orderingKeyOf(ordering: OrderingKey, subject: string): string | undefined {
  if (ordering === "none") return undefined;
  if (ordering === "subject") return subject;
  // The subject's origin token: verification refuses a subject that is not the one derived from
  // the signed `source`, so for every message that reaches a handler this is its origin.
  const tokens = subject.split(".");
  return tokens.length >= 4 ? tokens[2] : subject;
}
