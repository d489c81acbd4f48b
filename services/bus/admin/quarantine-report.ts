import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { decodeOriginalHeaders } from "../consume/quarantine.js";
import { Header } from "../wire/headers.js";
import { isReason, type Reason } from "../wire/reasons.js";
import { readStream } from "./read-stream.js";
import { parseQuarantineSubject, quarantineFilter, StreamName } from "../wire/subjects.js";

/** One quarantined message as operators read it. The body stays in the stream, untouched. */
export interface QuarantineEntry {
  readonly seq: number;
  readonly time: string;
  /**
   * Who wrote the entry: the writer token of its subject, which the broker's permissions enforce
   * (an identity may publish only under its own code). Never taken from a header.
   */
  readonly writer: string;
  readonly reason: string;
  readonly detail: string;
  readonly originalSubject: string;
  readonly originalStream: string;
  readonly originalSeq: number;
  /** The origin the subject claims; for a forged message this is whom it pretended to be. */
  readonly claimedOrigin: string;
  /** The consumer the writer names: its own claim. */
  readonly consumer: string;
  readonly bytes: number;
  /** The original's headers, as carried in `Alliance-Original-Headers`. */
  readonly originalHeaders: readonly (readonly [string, readonly string[]])[];
}

/** Which entries to list: one writer, one reason, both, or all. */
export interface QuarantineSelector {
  readonly writer?: string;
  readonly reason?: Reason;
}

export function describeQuarantined(msg: JsMsg): QuarantineEntry {
  const h = (name: string) => msg.headers?.get(name) ?? "";
  const originalSubject = h(Header.OriginalSubject);
  const placed = parseQuarantineSubject(msg.subject);
  // The reason the subject files it under; a header that disagrees is the writer's word only.
  const reason = placed && isReason(placed.reason) ? placed.reason : h(Header.QuarantineReason);
  return {
    seq: msg.info.streamSequence,
    time: new Date(Math.floor(msg.info.timestampNanos / 1e6)).toISOString(),
    writer: placed?.writer ?? "",
    reason,
    detail: h(Header.QuarantineDetail),
    originalSubject,
    originalStream: h(Header.OriginalStream),
    originalSeq: Number(h(Header.OriginalSeq)),
    claimedOrigin: originalSubject.split(".")[2] ?? "",
    consumer: h(Header.QuarantineConsumer),
    bytes: msg.data.length,
    originalHeaders: decodeOriginalHeaders(msg.headers?.get(Header.OriginalHeaders)),
  };
}

/** Everything in quarantine now, optionally for one reason (a bare reason) or writer only. */
export async function listQuarantine(js: JetStreamClient, jsm: JetStreamManager, selector?: Reason | QuarantineSelector, readerNames?: readonly string[]): Promise<QuarantineEntry[]> {
  const select = typeof selector === "string" ? { reason: selector } : (selector ?? {});
  const entries: QuarantineEntry[] = [];
  const filtered = select.reason !== undefined || select.writer !== undefined;
  const options = { ...(filtered ? { filterSubject: quarantineFilter(select) } : {}), ...(readerNames ? { readerNames } : {}) };
  for await (const msg of readStream(js, jsm, StreamName.quarantine, options)) {
    entries.push(describeQuarantined(msg));
  }
  return entries;
}
