import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { Header } from "../wire/headers.js";
import type { Reason } from "../wire/reasons.js";
import { readStream } from "./read-stream.js";
import { quarantineSubject, StreamName } from "../wire/subjects.js";

/** One quarantined message as operators read it. The body stays in the stream, untouched. */
export interface QuarantineEntry {
  readonly seq: number;
  readonly time: string;
  readonly reason: string;
  readonly detail: string;
  readonly originalSubject: string;
  readonly originalStream: string;
  readonly originalSeq: number;
  /** The origin the subject claims; for a forged message this is whom it pretended to be. */
  readonly claimedOrigin: string;
  readonly consumer: string;
  readonly bytes: number;
}

export function describeQuarantined(msg: JsMsg): QuarantineEntry {
  const h = (name: string) => msg.headers?.get(name) ?? "";
  const originalSubject = h(Header.OriginalSubject);
  return {
    seq: msg.info.streamSequence,
    time: new Date(Math.floor(msg.info.timestampNanos / 1e6)).toISOString(),
    reason: h(Header.QuarantineReason),
    detail: h(Header.QuarantineDetail),
    originalSubject,
    originalStream: h(Header.OriginalStream),
    originalSeq: Number(h(Header.OriginalSeq)),
    claimedOrigin: originalSubject.split(".")[2] ?? "",
    consumer: h(Header.QuarantineConsumer),
    bytes: msg.data.length,
  };
}

/** Everything in quarantine now, optionally for one reason only. */
export async function listQuarantine(js: JetStreamClient, jsm: JetStreamManager, reason?: Reason, readerNames?: readonly string[]): Promise<QuarantineEntry[]> {
  const entries: QuarantineEntry[] = [];
  const options = { ...(reason ? { filterSubject: quarantineSubject(reason) } : {}), ...(readerNames ? { readerNames } : {}) };
  for await (const msg of readStream(js, jsm, StreamName.quarantine, options)) {
    entries.push(describeQuarantined(msg));
  }
  return entries;
}
