import { StreamName } from "../bus/wire/subjects.js";
import type { ConsumerSample, Sample, StreamSample } from "./types.js";

/**
 * A short in-memory ring of samples: the view cache behind rates and the dashboard's charts (not a
 * store; it starts empty with the process). No I/O.
 */

export interface StreamRates {
  /** Messages stored per second over the rate window; undefined until two samples exist. */
  readonly publishRate?: number;
}

export interface ConsumerRates {
  /** Backlog (pending + ack pending) shrinking per second; negative when it falls behind. */
  readonly catchUpRate?: number;
  /** Deliveries per second. */
  readonly deliverRate?: number;
  /**
   * When the consumer last went from nothing to do to having work, as seen by the monitor; undefined
   * if it already had work when first seen (the server's own last-activity time is used then).
   */
  readonly workSince?: number;
}

export interface ChartPoint {
  readonly t: number;
  readonly streams: Readonly<Record<string, { readonly messages: number; readonly rate: number }>>;
  readonly consumers: Readonly<Record<string, { readonly backlog: number; readonly rate: number }>>;
  readonly quarantineBySubject: Readonly<Record<string, number>>;
}

export function consumerKey(c: Pick<ConsumerSample, "stream" | "name">): string {
  return `${c.stream}/${c.name}`;
}

export function backlogOf(c: Pick<ConsumerSample, "pending" | "ackPending">): number {
  return c.pending + c.ackPending;
}

export class SampleHistory {
  readonly #keepMs: number;
  readonly #rateWindowMs: number;
  #samples: Sample[] = [];
  #points: ChartPoint[] = [];
  readonly #workSince = new Map<string, number | undefined>();

  constructor(options: { keepMs: number; rateWindowMs: number }) {
    this.#keepMs = options.keepMs;
    this.#rateWindowMs = options.rateWindowMs;
  }

  add(sample: Sample): void {
    const previous = this.latest();
    for (const c of sample.consumers) {
      const key = consumerKey(c);
      const hasWork = backlogOf(c) > 0;
      if (!hasWork) this.#workSince.delete(key);
      else if (!this.#workSince.has(key)) {
        const before = previous?.consumers.find((p) => consumerKey(p) === key);
        // Work that appeared between two samples started no earlier than the earlier one.
        this.#workSince.set(key, before && backlogOf(before) === 0 ? previous!.at : undefined);
      }
    }
    const present = new Set(sample.consumers.map(consumerKey));
    for (const key of this.#workSince.keys()) if (!present.has(key)) this.#workSince.delete(key);

    this.#samples.push(sample);
    const cutoff = sample.at - this.#keepMs;
    while (this.#samples.length > 2 && this.#samples[0]!.at < cutoff) this.#samples.shift();
    this.#points.push(this.#chartPoint(sample));
    while (this.#points.length > 1 && this.#points[0]!.t < cutoff) this.#points.shift();
  }

  latest(): Sample | undefined {
    return this.#samples.at(-1);
  }

  points(): readonly ChartPoint[] {
    return this.#points;
  }

  streamRates(name: string): StreamRates {
    const [base, now] = this.#window();
    const a = base?.streams.find((s) => s.name === name);
    const b = now?.streams.find((s) => s.name === name);
    if (!base || !now || !a || !b) return {};
    return { publishRate: counterRate(stored(b) - stored(a), now.at - base.at) };
  }

  consumerRates(c: ConsumerSample): ConsumerRates {
    const key = consumerKey(c);
    const workSince = this.#workSince.get(key);
    const [base, now] = this.#window();
    const a = base?.consumers.find((p) => consumerKey(p) === key);
    const withWork = workSince === undefined ? {} : { workSince };
    if (!base || !now || !a) return withWork;
    const dt = now.at - base.at;
    return {
      ...withWork,
      catchUpRate: perSecond(backlogOf(a) - backlogOf(c), dt),
      deliverRate: counterRate(c.deliveredConsumerSeq - a.deliveredConsumerSeq, dt),
    };
  }

  /** The oldest sample within the rate window (or the oldest kept) and the newest. */
  #window(): [Sample | undefined, Sample | undefined] {
    const now = this.latest();
    if (!now || this.#samples.length < 2) return [undefined, now];
    const from = now.at - this.#rateWindowMs;
    const base = this.#samples.find((s) => s.at >= from && s !== now) ?? this.#samples.at(-2);
    return [base, now];
  }

  /** The chart's point for the newest sample: the same windowed rates the status shows. */
  #chartPoint(sample: Sample): ChartPoint {
    const streams: Record<string, { messages: number; rate: number }> = {};
    let quarantineBySubject: Record<string, number> = {};
    for (const s of sample.streams) {
      streams[s.name] = { messages: s.messages, rate: this.streamRates(s.name).publishRate ?? 0 };
      if (s.name === StreamName.quarantine && s.subjects) quarantineBySubject = { ...s.subjects };
    }
    const consumers: Record<string, { backlog: number; rate: number }> = {};
    for (const c of sample.consumers) consumers[consumerKey(c)] = { backlog: backlogOf(c), rate: this.consumerRates(c).deliverRate ?? 0 };
    return { t: sample.at, streams, consumers, quarantineBySubject };
  }
}

/** Messages ever stored: the last sequence (a purge or an age limit does not make it go back). */
function stored(s: StreamSample): number {
  return s.lastSeq;
}

/** A counter that went back was reset (a stream or consumer recreated): no rate, not a negative one. */
function counterRate(delta: number, ms: number): number {
  return Math.max(0, perSecond(delta, ms));
}

function perSecond(delta: number, ms: number): number {
  return ms > 0 ? Math.max(-1e9, Math.min(1e9, (delta * 1000) / ms)) : 0;
}
