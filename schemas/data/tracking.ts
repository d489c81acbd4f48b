import { z } from "zod";
import { MemberCode, OriginCode } from "../protocol.js";
import { EventId, line, text, Timestamp, uniqueList } from "./common.js";

/**
 * v1.1 (§1b.4): the `data` of the four control kinds on the priority channels — requests for
 * information with legal deadlines, responses, signed receipts and retractions. They mean the
 * same on every channel; a response, receipt or retract is published on the channel of the event
 * it is about, so that it follows that event in one stream's order.
 */

/** How fast a request must be answered: Directive (EU) 2023/977 art. 5. */
export const RequestUrgency = z.enum(["urgent-direct", "urgent", "standard"]).meta({
  title: "RequestUrgency",
  description: "urgent-direct: 8 hours (urgent, information directly accessible); urgent: 3 calendar days; standard: 7 calendar days (Directive (EU) 2023/977 art. 5).",
});
export type RequestUrgency = z.infer<typeof RequestUrgency>;

/** The directive's time limits, in seconds: the most a request may give; config may shorten them. */
export const DIRECTIVE_LIMIT_SECONDS: Readonly<Record<RequestUrgency, number>> = Object.freeze({
  "urgent-direct": 8 * 3600,
  urgent: 3 * 86_400,
  standard: 7 * 86_400,
});

export const Request = z
  .strictObject({
    subject: line(200).describe("What the request is about, one line."),
    question: text(10_000).describe("The information asked for."),
    urgency: RequestUrgency,
    limitSeconds: z.int().positive().max(DIRECTIVE_LIMIT_SECONDS.standard)
      .describe("The time limit in force, in seconds: at most the directive's limit for the urgency (config may shorten it for drills)."),
    due: Timestamp.describe("The envelope's signed time plus limitSeconds, exactly: every member sees the same deadline."),
    to: uniqueList(MemberCode, 64, "The members asked to answer."),
    about: EventId.optional().describe("The event the request is about (a bulletin it follows up), if any."),
  })
  .refine((r) => r.limitSeconds <= DIRECTIVE_LIMIT_SECONDS[r.urgency], {
    error: "limitSeconds must not exceed the directive's limit for the urgency",
    path: ["limitSeconds"],
  })
  .meta({ title: "Request", description: "A request for information with a deadline (v1.1 §1b.4); due = time + limitSeconds." });
export type Request = z.infer<typeof Request>;

export const Response = z
  .strictObject({
    request: EventId.describe("The id of the request answered."),
    requester: OriginCode.describe("The request's origin."),
    answer: text(10_000).describe("The information given, or why it cannot be."),
  })
  .meta({ title: "Response", description: "An answer to a request (v1.1 §1b.4)." });
export type Response = z.infer<typeof Response>;

export const ReceiptStatus = z.enum(["received", "read", "actioned", "declined", "consented", "retracted-applied"]).meta({
  title: "ReceiptStatus",
  description: "received (sent by the subscriber once the handler succeeded), read, actioned, declined (by the application), consented (by the originator, to onward sharing), retracted-applied (after a retract was applied).",
});
export type ReceiptStatus = z.infer<typeof ReceiptStatus>;

export const Receipt = z
  .strictObject({
    of: EventId.describe("The event this receipt is about."),
    origin: OriginCode.describe("That event's origin."),
    status: ReceiptStatus,
    grantee: MemberCode.optional().describe("consented only: the member allowed to pass the event on."),
    to: uniqueList(MemberCode, 64, "consented only: the new recipients the originator consents to.").optional(),
    note: line(500).optional(),
  })
  .refine((r) => (r.status === "consented") === (r.to !== undefined && r.grantee !== undefined), {
    error: "a consented receipt names its grantee and new recipients (to); no other status does",
    path: ["to"],
  })
  .meta({ title: "Receipt", description: "A signed receipt about one event (v1.1 §1b.4); consented is the originator's consent to onward sharing (§1b.3)." });
export type Receipt = z.infer<typeof Receipt>;

export const Retract = z
  .strictObject({
    of: EventId.describe("The event retracted."),
    origin: OriginCode.describe("That event's origin: only it may retract."),
    reason: text(1000).describe("Why the event is retracted."),
    recipients: uniqueList(OriginCode, 64, "The retracted event's recipients (a copy of its envelope's): who must comply stays known once the original is erased.").optional(),
  })
  .meta({ title: "Retract", description: "The originator takes an event back (v1.1 §1b.4); recipients delete their copies and answer retracted-applied." });
export type Retract = z.infer<typeof Retract>;

/** Whether a request's `due` is its signed `time` plus its `limitSeconds`, to the millisecond. */
export function isDueConsistent(time: string, data: { limitSeconds: number; due: string }): boolean {
  const signed = Date.parse(time);
  const due = Date.parse(data.due);
  return !Number.isNaN(signed) && due === signed + data.limitSeconds * 1000;
}
