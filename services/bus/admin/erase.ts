import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Header } from "../wire/headers.js";
import { StreamName } from "../wire/subjects.js";
import { readStream } from "./read-stream.js";

/**
 * Recall (v1.1 §1b.4): removes a stored message for good. `deleteMessage(..., erase = true)`
 * overwrites the message's bytes in the store's files, not only its index entry. Needs an
 * identity allowed to use the stream's delete API (the administrator's). True when it was there.
 */
export async function eraseMessage(jsm: JetStreamManager, stream: string, seq: number): Promise<boolean> {
  try {
    return await jsm.streams.deleteMessage(stream, seq, true);
  } catch (err) {
    if (err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.NoMessageFound)) return false;
    throw err;
  }
}

/**
 * Quarantine copies of the message at stream position `stream`/`seq`, or with `Nats-Msg-Id` `id`.
 * A `Nats-Msg-Id` is whatever its publisher wrote: given the original's `body`, a copy matched by
 * id alone must carry those very bytes (a replay), so that a member cannot have the recall of its
 * own event erase the evidence of a different hostile message it sent under that event's id.
 */
export async function findQuarantineCopies(js: JetStreamClient, jsm: JetStreamManager, original: { id: string; stream?: string | undefined; seq?: number | undefined; body?: Uint8Array | undefined }): Promise<number[]> {
  const seqs: number[] = [];
  for await (const msg of readStream(js, jsm, StreamName.quarantine)) {
    const h = (name: string) => msg.headers?.get(name) || undefined;
    const sameId = h(Header.OriginalMsgId) === original.id && (original.body === undefined || Buffer.from(original.body).equals(Buffer.from(msg.data)));
    const samePosition = original.stream !== undefined && h(Header.OriginalStream) === original.stream && h(Header.OriginalSeq) === String(original.seq);
    if (sameId || samePosition) seqs.push(msg.info.streamSequence);
  }
  return seqs;
}

/** Whether any message is stored at `stream`/`seq` (after an erase, none is). */
export async function storedAt(jsm: JetStreamManager, stream: string, seq: number): Promise<boolean> {
  try {
    return (await jsm.streams.getMessage(stream, { seq })) !== null;
  } catch (err) {
    if (err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.NoMessageFound)) return false;
    throw err;
  }
}
