import type { JetStreamClient, MsgHdrs } from "../bus/core/nats-types.js";
import { newHeaders } from "../bus/publish/raw.js";
import type { Bounds } from "../../schemas/config.js";
import { CLOUDEVENTS_CONTENT_TYPE, Header } from "../bus/wire/headers.js";
import { generateMemberKey, signerFromJwk, type Signer } from "../bus/keys/keys.js";
import { signEvent, type OutgoingEvent, type SignedMessage } from "../bus/wire/sign.js";
import { Reason } from "../bus/wire/reasons.js";

/** A hostile message the demo sends, and what the subscribers must make of it. */
export interface Attack {
  readonly name: string;
  readonly subject: string;
  readonly body: Uint8Array;
  readonly headers: MsgHdrs;
  /** The reason it must be quarantined with; undefined when JetStream itself refuses it. */
  readonly expect: Reason | "refused-by-jetstream";
}

export function wireHeaders(msg: Pick<SignedMessage, "id" | "signature">, overrides: Partial<Record<string, string>> = {}): MsgHdrs {
  const h = newHeaders();
  h.set(Header.MsgId, overrides[Header.MsgId] ?? msg.id);
  if (overrides[Header.Signature] !== "") h.set(Header.Signature, overrides[Header.Signature] ?? msg.signature);
  h.set(Header.ContentType, CLOUDEVENTS_CONTENT_TYPE);
  return h;
}

/**
 * The attacks of the demo: a forgery by an outsider claiming a member's key, a body tampered in
 * transit, a captured message replayed (verbatim, under a fresh message id, and an hour later),
 * and a message with no signature.
 */
export async function buildAttacks(victim: Signer, captured: SignedMessage, sample: OutgoingEvent, bounds: Pick<Bounds, "maxBodyBytes">): Promise<Attack[]> {
  // An outsider makes a key of its own and labels it with the victim's kid.
  const outsider = await signerFromJwk({ ...(await generateMemberKey(victim.origin)), kid: victim.kid });
  const forged = await signEvent(outsider, sample, bounds);

  const tamperedBody = Uint8Array.from(captured.body);
  const at = Buffer.from(tamperedBody).indexOf('"title":"') + 9;
  tamperedBody[at] = tamperedBody[at]! ^ 0x01;

  const hourAgo = await signEvent(victim, { ...sample, time: new Date(Date.now() - 3_600_000) }, bounds);
  const unsigned = await signEvent(victim, sample, bounds);

  return [
    { name: "forged: an outsider's key presented as " + victim.kid, subject: forged.subject, body: forged.body, headers: wireHeaders(forged), expect: Reason.BadSignature },
    { name: "tampered: one bit of a signed body flipped in transit", subject: captured.subject, body: tamperedBody, headers: wireHeaders({ ...captured, id: crypto.randomUUID() }), expect: Reason.BadSignature },
    { name: "replayed verbatim inside the duplicate window", subject: captured.subject, body: captured.body, headers: wireHeaders(captured), expect: "refused-by-jetstream" },
    { name: "replayed under a fresh Nats-Msg-Id to dodge de-duplication", subject: captured.subject, body: captured.body, headers: wireHeaders(captured, { [Header.MsgId]: crypto.randomUUID() }), expect: Reason.IdMismatch },
    { name: "replayed an hour after it was signed", subject: hourAgo.subject, body: hourAgo.body, headers: wireHeaders(hourAgo), expect: Reason.Stale },
    { name: "sent without a signature", subject: unsigned.subject, body: unsigned.body, headers: wireHeaders(unsigned, { [Header.Signature]: "" }), expect: Reason.Unsigned },
  ];
}

/** Publishes an attack as a raw client would; returns false when JetStream refused it as a duplicate. */
export async function launchAttack(js: JetStreamClient, attack: Attack): Promise<boolean> {
  const msgID = attack.headers.get(Header.MsgId);
  const ack = await js.publish(attack.subject, attack.body, { headers: attack.headers, ...(msgID ? { msgID } : {}) });
  return !ack.duplicate;
}
