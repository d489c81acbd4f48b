import type { QuarantineExample, QuarantineTally } from "./types.js";

/** How many recent quarantined messages the monitor keeps as examples for operators. */
export const LATEST_EXAMPLES = 12;
/** Recent quarantine times are kept this long (for the per-minute rate), and at most this many. */
const RECENT_MS = 10 * 60_000;
const RECENT_MAX = 10_000;

/**
 * Counts quarantined messages by reason, by the origin their subject claimed and by writer, one message at a
 * time in stream order. No I/O: the feed (quarantine-feed.ts) reads, this counts. Mutable inside,
 * because the first read of a long-lived quarantine stream adds every retained message.
 */
export class QuarantineCounter {
  #read = 0;
  #lastSeq = 0;
  readonly #byReason = new Map<string, number>();
  readonly #byOrigin = new Map<string, number>();
  readonly #byWriter = new Map<string, number>();
  readonly #byReasonOrigin = new Map<string, Map<string, number>>();
  readonly #byWriterOrigin = new Map<string, Map<string, number>>();
  #latest: QuarantineExample[] = [];
  #recent: { at: number; reason: string; origin: string }[] = [];

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Counts one message; a sequence already counted (a re-read after a reconnect) is ignored. */
  add(example: QuarantineExample): void {
    if (example.seq <= this.#lastSeq) return;
    const reason = example.reason || "unknown";
    // A subject outside the protocol names no origin.
    const origin = example.claimedOrigin || "unknown";
    this.#read++;
    this.#lastSeq = example.seq;
    increment(this.#byReason, reason);
    increment(this.#byOrigin, origin);
    const writer = example.writer || "unknown";
    increment(this.#byWriter, writer);
    const key = this.#byWriterOrigin.has(writer) || this.#byWriterOrigin.size < MAX_KEYS ? writer : OTHER;
    let perWriter = this.#byWriterOrigin.get(key);
    if (!perWriter) this.#byWriterOrigin.set(key, (perWriter = new Map()));
    increment(perWriter, origin);
    let perReason = this.#byReasonOrigin.get(reason);
    if (!perReason) this.#byReasonOrigin.set(reason, (perReason = new Map()));
    increment(perReason, origin);
    this.#latest.unshift(example);
    if (this.#latest.length > LATEST_EXAMPLES) this.#latest.length = LATEST_EXAMPLES;
    const at = Date.parse(example.time);
    this.#recent.push({ at, reason, origin });
    this.#prune(at);
  }

  /** The counts now; `now` drops recent entries older than the window. */
  snapshot(now: number): QuarantineTally {
    this.#prune(now);
    return {
      read: this.#read,
      lastSeq: this.#lastSeq,
      byReason: Object.fromEntries(this.#byReason),
      byOrigin: Object.fromEntries(this.#byOrigin),
      byWriter: Object.fromEntries(this.#byWriter),
      byReasonOrigin: Object.fromEntries([...this.#byReasonOrigin].map(([reason, origins]) => [reason, Object.fromEntries(origins)])),
      byWriterOrigin: Object.fromEntries([...this.#byWriterOrigin].map(([writer, origins]) => [writer, Object.fromEntries(origins)])),
      latest: [...this.#latest],
      recent: [...this.#recent],
    };
  }

  #prune(now: number): void {
    const cutoff = now - RECENT_MS;
    let drop = 0;
    while (drop < this.#recent.length && this.#recent[drop]!.at < cutoff) drop++;
    if (this.#recent.length - drop > RECENT_MAX) drop = this.#recent.length - RECENT_MAX;
    if (drop > 0) this.#recent = this.#recent.slice(drop);
  }
}

/** Distinct keys a count keeps; past it, new keys count as "other" (headers can be anyone's words). */
const MAX_KEYS = 200;

function increment(map: Map<string, number>, key: string): void {
  const k = map.has(key) || map.size < MAX_KEYS ? key : OTHER;
  map.set(k, (map.get(k) ?? 0) + 1);
}

export const OTHER = "other";

/** Quarantined per minute over the last minute, with the commonest reason and claimed origin. */
export function quarantineLastMinute(tally: QuarantineTally, now: number): { count: number; topReason?: string; topOrigin?: string } {
  const recent = tally.recent.filter((r) => r.at > now - 60_000);
  return { count: recent.length, ...top("topReason", recent.map((r) => r.reason)), ...top("topOrigin", recent.map((r) => r.origin)) };
}

function top<K extends string>(key: K, values: string[]): Partial<Record<K, string>> {
  const counts = new Map<string, number>();
  for (const v of values) increment(counts, v);
  let best: string | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best === undefined ? {} : ({ [key]: best } as Partial<Record<K, string>>);
}
