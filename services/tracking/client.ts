import { randomUUID } from "node:crypto";
import type { ReceiptStatus, RequestUrgency } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import type { Lang, PriorityChannel, Tlp } from "../../schemas/protocol.js";
import type { TrackingConfig } from "../../schemas/tracking.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Publisher, PublishReceipt } from "../bus/publish/publisher.js";
import type { OutgoingEvent } from "../bus/wire/sign.js";
import { dueAt, limitInForce } from "./due.js";
import { parseEventRef, policyViolation } from "./policy.js";
import type { SentLog } from "./sent.js";
import { applyTracked, type KnownEvent, type TrackingState } from "./state.js";

export interface SentRequest extends PublishReceipt {
  readonly due: string;
  readonly limitSeconds: number;
}

export interface RequestInput {
  readonly channel: PriorityChannel;
  readonly to: readonly string[];
  readonly subject: string;
  readonly question: string;
  readonly urgency: RequestUrgency;
  readonly tlp?: Tlp;
  readonly lang?: Lang;
  /** Restrict (seal, v1.1 §1b.2) the request to the members asked; default true. */
  readonly restricted?: boolean;
  readonly about?: string;
}

export interface TrackingClient {
  /** Signs a request whose `due` is its signed `time` plus the limit in force (config may shorten the directive's). */
  request(input: RequestInput): Promise<SentRequest>;
  respond(requestId: string, answer: string): Promise<PublishReceipt>;
  /** A receipt about another member's event this member received: read, actioned, declined (received and retracted-applied are sent by withTracking). */
  receipt(eventId: string, status: Exclude<ReceiptStatus, "consented">, note?: string): Promise<PublishReceipt>;
  /** The originator consents to `grantee` passing `eventId` on to `to` (§1b.3). */
  consent(eventId: string, grantee: string, to: readonly string[]): Promise<PublishReceipt>;
  /** The originator takes `eventId` back: sent to the event's recipients on its channel. */
  retract(eventId: string, reason: string): Promise<PublishReceipt>;
  /**
   * Publishes any event, and records it in this member's tracking (its own restricted events never
   * reach its subscribers). One with `derivedfrom` is refused (ERR_CONSENT_MISSING) without the
   * originator's consent naming every recipient.
   */
  publish(event: OutgoingEvent): Promise<PublishReceipt>;
}

export interface TrackingClientDeps {
  readonly member: string;
  readonly lang: Lang;
  readonly publisher: Publisher;
  /** The member's tracking state, kept up to date by its subscriptions (withTracking). */
  readonly state: TrackingState;
  readonly config?: Pick<TrackingConfig, "limitSeconds">;
  /** Where this member keeps the plaintext of its own sealed events (sent.ts); a rebuild reads it. */
  readonly sent?: SentLog;
  /** The signing clock; tests pass a fixed one. Deadlines follow from it through the signed `time`. */
  readonly now?: () => Date;
}

/**
 * The SDK side of v1.1 §1b.3–§1b.4. Responses, receipts and retracts go on the channel of the
 * event they are about. Receipts and responses are restricted exactly when it was, to its
 * originator, so that a sealed original's receipts are sealed too (§1b.4); a retract is never
 * restricted (every holder applies it, the operator erases by it), and names only the event.
 * Each outgoing event is put through the same policy check the subscribers make.
 */
export function createTrackingClient({ member, lang, publisher, state, config, sent: sentLog, now = () => new Date() }: TrackingClientDeps): TrackingClient {
  function known(eventId: string, what: string): KnownEvent {
    const event = state.events.get(eventId);
    if (!event || event.tombstone) throw new AllianceError(ErrorCode.PolicyRefused, `${what}: event ${eventId} has not been received by ${member}`);
    return event;
  }

  async function publish(event: OutgoingEvent): Promise<PublishReceipt> {
    const time = event.time ?? now();
    const id = event.id ?? randomUUID();
    const draft = {
      specversion: "1.0", id, source: member, type: `alliance.${event.channel}.${event.kind}.v1`,
      time: time.toISOString(), datacontenttype: "application/json", tlp: event.tlp, lang: event.lang,
      ...(event.recipients ? { recipients: [...event.recipients] } : {}),
      ...(event.derivedfrom ? { derivedfrom: event.derivedfrom } : {}),
      data: event.data,
    } as AllianceEvent;
    const broken = policyViolation(state, draft, member);
    if (broken) throw new AllianceError(event.derivedfrom && broken.startsWith("derived") ? ErrorCode.ConsentMissing : ErrorCode.PolicyRefused, broken);
    const sent = await publisher.publish({ ...event, id, time });
    // A member's subscribers skip its own restricted events (§13.2): its tracking learns of them
    // here, from the very attributes it signed (a rebuild finds the same in the stream).
    applyTracked(state, draft, { stream: sent.stream, seq: sent.seq });
    // Sealed: the stream holds only ciphertext, which the originator cannot open (it is not a recipient).
    if (draft.recipients) sentLog?.remember(draft);
    return sent;
  }

  const restrictedTo = (original: KnownEvent, to: readonly string[]) => (original.recipients ? { recipients: to } : {});

  return {
    async request(input) {
      const time = now();
      const limitSeconds = limitInForce(input.urgency, config);
      const due = dueAt(time, limitSeconds);
      const data = { subject: input.subject, question: input.question, urgency: input.urgency, limitSeconds, due, to: [...input.to], ...(input.about ? { about: input.about } : {}) };
      const sent = await publish({
        channel: input.channel, kind: "request", tlp: input.tlp ?? "AMBER", lang: input.lang ?? lang, time, data,
        ...(input.restricted === false ? {} : { recipients: [...input.to] }),
      });
      return { ...sent, due, limitSeconds };
    },
    async respond(requestId, answer) {
      const request = known(requestId, "respond");
      return publish({
        channel: request.channel as PriorityChannel, kind: "response", tlp: request.tlp, lang,
        data: { request: requestId, requester: request.source, answer }, ...restrictedTo(request, [request.source]),
      });
    },
    async receipt(eventId, status, note) {
      const original = known(eventId, `receipt ${status}`);
      return publish({
        channel: original.channel as PriorityChannel, kind: "receipt", tlp: original.tlp, lang,
        data: { of: eventId, origin: original.source, status, ...(note ? { note } : {}) }, ...restrictedTo(original, [original.source]),
      });
    },
    async consent(eventId, grantee, to) {
      const original = known(eventId, "consent");
      if (original.source !== member) throw new AllianceError(ErrorCode.PolicyRefused, `consent: ${eventId} is ${original.source}'s, only its originator consents`);
      const readers = [...new Set([grantee, ...to])];
      return publish({
        channel: original.channel as PriorityChannel, kind: "receipt", tlp: original.tlp, lang,
        data: { of: eventId, origin: member, status: "consented", grantee, to: [...to] }, recipients: readers,
      });
    },
    async retract(eventId, reason) {
      const original = known(eventId, "retract");
      if (original.source !== member) throw new AllianceError(ErrorCode.PolicyRefused, `retract: ${eventId} is ${original.source}'s, only its originator retracts`);
      // Never restricted: every holder must apply it and the operator must read which event to
      // erase. It says only which event and why; the reason is readable by every member.
      return publish({
        channel: original.channel as PriorityChannel, kind: "retract", tlp: original.tlp === "RED" || original.tlp === "AMBER+STRICT" ? "AMBER" : original.tlp, lang,
        data: { of: eventId, origin: member, reason, ...(original.recipients ? { recipients: [...original.recipients] } : {}) },
      });
    },
    publish,
  };
}

export { parseEventRef };
