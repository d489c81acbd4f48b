import type { AllianceEvent } from "../../../schemas/envelope.js";
import type { Bus } from "../../../services/bus/core/bus.js";
import { ErrorCode, isAllianceError } from "../../../services/bus/core/errors.js";
import { Header } from "../../../services/bus/wire/headers.js";
import type { Publisher } from "../../../services/bus/publish/publisher.js";
import { readStream } from "../../../services/bus/admin/read-stream.js";
import type { OutgoingEvent } from "../../../services/bus/wire/sign.js";
import type { Handler } from "../../../services/bus/consume/subscriber.js";

/** One acknowledged publish, as its publisher saw it. */
export interface Acked {
  readonly publisher: string;
  readonly index: number;
  readonly id: string;
  readonly seq: number;
  readonly attempts: number;
  readonly at: number;
}

/** What the publishers were told: acknowledged (with a sequence) or, after the deadline, not. */
export class PublishLedger {
  readonly acked: Acked[] = [];
  readonly unacked: { publisher: string; index: number; code: string }[] = [];

  get retried(): number {
    return this.acked.filter((a) => a.attempts > 1).length;
  }
}

/**
 * One publisher sending messages one after another, as a ministry system would: each is
 * acknowledged (through retries with the same id) before the next is signed. It sends `count`,
 * and goes on after that for as long as `more()` says (so that a fault never meets an idle bus).
 */
export async function publishSequence(publisher: Publisher, name: string, count: number, make: (index: number) => OutgoingEvent, ledger: PublishLedger, more: () => boolean = () => false): Promise<void> {
  for (let index = 0; index < count || more(); index++) {
    try {
      const receipt = await publisher.publish(make(index));
      ledger.acked.push({ publisher: name, index, id: receipt.id, seq: receipt.seq, attempts: receipt.attempts, at: Date.now() });
    } catch (err) {
      // Only a publish that timed out through every retry is let pass (and counted); anything
      // else (refused, connection closed) ends the run with the error.
      if (!isAllianceError(err, ErrorCode.PublishTimeout)) throw err;
      ledger.unacked.push({ publisher: name, index, code: err.code });
    }
  }
}

/** Counts every run of a subscriber's handler per event id. */
export class HandlerLedger {
  readonly runs = new Map<string, number>();
  /** When each id was first handled. */
  readonly firstAt = new Map<string, number>();
  readonly handler: Handler = async (event: AllianceEvent) => {
    this.runs.set(event.id, (this.runs.get(event.id) ?? 0) + 1);
    if (!this.firstAt.has(event.id)) this.firstAt.set(event.id, Date.now());
  };

  handledAll(ids: Iterable<string>): boolean {
    for (const id of ids) if (!this.runs.has(id)) return false;
    return true;
  }
}

/** Each event id the stream holds, with every sequence it is stored at. */
export async function storedIds(bus: Bus, stream: string): Promise<Map<string, number[]>> {
  const byId = new Map<string, number[]>();
  for await (const msg of readStream(bus.js, bus.jsm, stream)) {
    const id = msg.headers?.get(Header.MsgId) ?? `(no id at ${msg.info.streamSequence})`;
    byId.set(id, [...(byId.get(id) ?? []), msg.info.streamSequence]);
  }
  return byId;
}

export interface Findings {
  /** Acknowledged, but the stream does not hold it. */
  readonly lost: string[];
  /** Stored more than once. */
  readonly duplicated: string[];
  /** Acknowledged with a sequence at which the stream holds something else. */
  readonly staleAcks: string[];
  /** A publisher's later message stored before its earlier one. */
  readonly outOfOrder: string[];
  /** The handler ran more than once for it. */
  readonly handledTwice: string[];
  /** Acknowledged but never handled. */
  readonly unhandled: string[];
}

/** Holds the publishers' acknowledgements against what the stream holds and what the handler saw. */
export function judge(acked: readonly Acked[], stored: Map<string, number[]>, runs?: Map<string, number>): Findings {
  const lost: string[] = [];
  const staleAcks: string[] = [];
  const outOfOrder: string[] = [];
  const lastSeq = new Map<string, number>();
  for (const a of [...acked].sort((x, y) => x.index - y.index)) {
    const seqs = stored.get(a.id);
    if (!seqs) {
      lost.push(a.id);
      continue;
    }
    if (!seqs.includes(a.seq)) staleAcks.push(`${a.id} acked at ${a.seq}, stored at ${seqs.join(",")}`);
    const previous = lastSeq.get(a.publisher) ?? 0;
    if (seqs[0]! <= previous) outOfOrder.push(`${a.publisher}#${a.index} at ${seqs[0]} after ${previous}`);
    lastSeq.set(a.publisher, seqs[0]!);
  }
  const duplicated = [...stored].filter(([, seqs]) => seqs.length > 1).map(([id, seqs]) => `${id} at ${seqs.join(",")}`);
  const handledTwice = runs ? [...runs].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`) : [];
  const unhandled = runs ? acked.filter((a) => !runs.has(a.id)).map((a) => a.id) : [];
  return { lost, duplicated, staleAcks, outOfOrder, handledTwice, unhandled };
}
