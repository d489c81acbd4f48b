import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers, type MsgHdrs } from "@nats-io/transport-node";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { Header } from "../wire/headers.js";
import type { Reason } from "../wire/reasons.js";
import { quarantineSubject, StreamName } from "../wire/subjects.js";

/** Details are for humans; bounded so a hostile body cannot inflate the quarantine headers. */
const MAX_DETAIL = 512;

/**
 * The most JSON the encoded original headers may take. JetStream refuses a message whose headers
 * exceed 64 KiB, and encoding grows them (base64 by a third, JSON escapes a control character as
 * six bytes): an original near that limit would give a copy that can never be stored, and its
 * subscriber would hold it for ever. 36 KiB of JSON is 48 KiB of base64, which leaves room for the
 * copy's own headers. A header that does not fit is counted, not kept (the original stays at its
 * position in its stream); the others are kept, in order.
 */
export const ORIGINAL_HEADERS_BUDGET = 36 * 1024;

/** A writer code is one subject token: the identity's code (`fr`, `sec`) or a service's name. */
const WRITER_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Writes quarantine copies under one writer's prefix, `alliance.quarantine.<writer>.<reason>`. */
export interface QuarantineWriter {
  /** The identity the copies are written as; the broker lets it publish under this code only. */
  readonly writer: string;
  /**
   * Stores the copy of `msg`: the body byte for byte, every original header encoded into
   * `Alliance-Original-Headers` (none copied as a header, so no `Nats-*` control header of a
   * hostile publisher can make JetStream refuse the copy), the reason and its origin. Resolves
   * once JetStream holds it (a retry is de-duplicated, not stored twice).
   */
  store(msg: JsMsg, reason: Reason, detail: string, consumer: string): Promise<void>;
}

export interface QuarantineWriterOptions {
  /** The subscribing identity's code: member code, `sec`, or the service's identity. */
  readonly writer: string;
  /**
   * Secret material only this writer holds (its nkey seed file's bytes, say). The copies'
   * de-duplication ids are keyed by it, so nobody else can predict them, and they stay the same
   * across restarts, so a retry after a crash is de-duplicated. Without it a random key is drawn
   * per process: ids as unguessable, but a restart between storing a copy and terminating the
   * message may store a second copy of it (docs/protocol.md §7).
   */
  readonly secret?: Uint8Array | string;
}

/** A writer of quarantine copies for one identity. */
export function createQuarantineWriter(js: JetStreamClient, options: QuarantineWriterOptions): QuarantineWriter {
  const { writer } = options;
  if (!WRITER_CODE.test(writer)) throw new AllianceError(ErrorCode.ConfigInvalid, `quarantine writer "${writer}" is not a subject token (lowercase letters, digits, "-")`);
  const secret = options.secret === undefined ? randomBytes(32) : typeof options.secret === "string" ? Buffer.from(options.secret) : options.secret;
  const idKey = Buffer.from(hkdfSync("sha256", secret, "alliance-quarantine-id", writer, 32));
  return {
    writer,
    async store(msg, reason, detail, consumer) {
      const { stream, streamSequence: seq } = msg.info;
      await js.publish(quarantineSubject(writer, reason), msg.data, {
        msgID: quarantineCopyId(idKey, writer, stream, seq, reason),
        headers: quarantineHeaders(msg, reason, detail, consumer),
        expect: { streamName: StreamName.quarantine },
      });
    },
  };
}

/**
 * The copy's `Nats-Msg-Id`: the writer's code and a MAC, under the writer's own key, of the
 * stream position and reason. The same stored message is stored once per writer and reason
 * however often it is retried, a replay at a new position is kept as evidence of its own, and no
 * other identity can pre-publish under the id to have the genuine copy de-duplicated away.
 */
export function quarantineCopyId(idKey: Uint8Array, writer: string, stream: string, seq: number, reason: Reason): string {
  const mac = createHmac("sha256", idKey).update(`${stream}\n${seq}\n${reason}`).digest("base64url");
  return `${writer}:${mac.slice(0, 32)}`;
}

function quarantineHeaders(msg: JsMsg, reason: Reason, detail: string, consumer: string): MsgHdrs {
  const h = headers();
  if (msg.headers && [...msg.headers.keys()].length > 0) {
    const { encoded, kept, total } = encodeOriginalHeaders(msg.headers);
    h.set(Header.OriginalHeaders, encoded);
    if (kept < total) h.set(Header.OriginalHeadersOmitted, `${total - kept} of ${total}`);
  }
  const originalId = msg.headers?.get(Header.MsgId);
  // Bounded like the detail: a hostile id near the 64 KiB header limit would make the copy unstorable.
  if (originalId) h.set(Header.OriginalMsgId, oneLine(originalId).slice(0, MAX_DETAIL));
  h.set(Header.QuarantineReason, reason);
  h.set(Header.QuarantineDetail, oneLine(detail).slice(0, MAX_DETAIL));
  h.set(Header.OriginalSubject, msg.subject);
  h.set(Header.OriginalStream, msg.info.stream);
  h.set(Header.OriginalSeq, String(msg.info.streamSequence));
  h.set(Header.QuarantineConsumer, consumer);
  return h;
}

/**
 * `[[name, [value, …]], …]` as JSON, base64url: lossless, in order, and inert to JetStream. Whole
 * headers are kept, in order, as long as their JSON fits `budget`; one that does not is left out
 * (so a huge hostile header cannot push the signature header out); `kept` says how many of `total`.
 */
export function encodeOriginalHeaders(original: MsgHdrs, budget = ORIGINAL_HEADERS_BUDGET): { encoded: string; kept: number; total: number } {
  const entries: [string, string[]][] = [];
  let size = 2;
  let total = 0;
  for (const [name, values] of original) {
    total++;
    const entry: [string, string[]] = [name, [...values]];
    const cost = JSON.stringify(entry).length + 1;
    if (size + cost <= budget) {
      entries.push(entry);
      size += cost;
    }
  }
  return { encoded: Buffer.from(JSON.stringify(entries)).toString("base64url"), kept: entries.length, total };
}

/** The original headers of a quarantine copy; an empty list if absent or not decodable. */
export function decodeOriginalHeaders(value: string | undefined): [string, string[]][] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((e): e is [string, string[]] => Array.isArray(e) && typeof e[0] === "string" && Array.isArray(e[1]) && e[1].every((v) => typeof v === "string"));
  } catch {
    return [];
  }
}

/** NATS header values cannot carry line breaks. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
