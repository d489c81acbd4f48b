import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import { Header } from "../wire/headers.js";
import type { Reason } from "../wire/reasons.js";
import { quarantineSubject, StreamName } from "../wire/subjects.js";

/** Details are for humans; bounded so a hostile body cannot inflate the quarantine headers. */
const MAX_DETAIL = 512;

/**
 * Copies a rejected message, body byte for byte and every original header, to
 * `alliance.quarantine.<reason>` with the reason and its origin. The copy's `Nats-Msg-Id` names the
 * stream position, so the same stored message is quarantined once however often it is retried,
 * while a replay (same event id, new position) is kept as evidence of its own.
 */
export async function quarantineMessage(js: JetStreamClient, msg: JsMsg, reason: Reason, detail: string, consumer: string): Promise<void> {
  const h = headers();
  if (msg.headers) {
    for (const [name, values] of msg.headers) {
      if (name === Header.MsgId) continue;
      for (const value of values) h.append(name, value);
    }
  }
  const originalId = msg.headers?.get(Header.MsgId);
  if (originalId) h.set(Header.OriginalMsgId, originalId);
  h.set(Header.QuarantineReason, reason);
  h.set(Header.QuarantineDetail, oneLine(detail).slice(0, MAX_DETAIL));
  h.set(Header.OriginalSubject, msg.subject);
  h.set(Header.OriginalStream, msg.info.stream);
  h.set(Header.OriginalSeq, String(msg.info.streamSequence));
  h.set(Header.QuarantineConsumer, consumer);
  const quarantineId = `${msg.info.stream}.${msg.info.streamSequence}.${reason}`;
  await js.publish(quarantineSubject(reason), msg.data, { msgID: quarantineId, headers: h, expect: { streamName: StreamName.quarantine } });
}

/** NATS header values cannot carry line breaks. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
