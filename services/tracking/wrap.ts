import type { Retract } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { ControlKind } from "../../schemas/protocol.js";
import { HandlerRejection } from "../bus/consume/rejection.js";
import type { Handler, HandlerContext } from "../bus/consume/subscriber.js";
import { Reason } from "../bus/wire/reasons.js";
import { policyViolation } from "./policy.js";
import { applyTracked, hasReadableData, isContentKind, kindOf, type KnownEvent, type TrackingState } from "./state.js";

/** What the application does with a retract from an event's originator: delete its copies. */
export type RetractHook = (retract: AllianceEvent<Retract>, original: KnownEvent | undefined, ctx: HandlerContext) => Promise<void>;

/** Sends this member's receipts; the tracking client (client.ts) is one. */
export interface ReceiptSink {
  receipt(eventId: string, status: "received" | "retracted-applied"): Promise<unknown>;
}

export interface TrackingWrapOptions {
  readonly member: string;
  readonly state: TrackingState;
  readonly receipts?: ReceiptSink;
  /** Send `received` once the handler of an event addressed to this member succeeds (default true). */
  readonly autoReceipts?: boolean;
  readonly onRetract?: RetractHook;
}

/**
 * Wraps a handler with v1.1 §1b.3–§1b.4 (`(h) => h`, the subscriber loop unchanged): checks the
 * policy that needs this member's history (a failure is thrown as a HandlerRejection, which the
 * subscriber quarantines as `policy`), hands retracts from the originator to `onRetract` and
 * answers `retracted-applied`, folds every event into the member's tracking state, and sends a
 * `received` receipt once the handler succeeded.
 *
 * Automatic receipts go only for content events and requests restricted to this member: an
 * unrestricted event has no defined recipients (the application may still send one), and a
 * receipt is never sent about a receipt, response or retract, so receipts cannot loop.
 */
export function withTracking(handler: Handler, options: TrackingWrapOptions): Handler {
  const { member, state, receipts, autoReceipts = true, onRetract } = options;
  return async (event, ctx) => {
    const broken = policyViolation(state, event, member);
    if (broken) throw new HandlerRejection(Reason.Policy, broken);
    const kind = kindOf(event);
    const at = { stream: ctx.stream, seq: ctx.seq };

    if (kind === ControlKind.enum.retract && event.source !== member && hasReadableData(event)) {
      const retract = event as AllianceEvent<Retract>;
      const original = state.events.get(retract.data.of);
      // Only a holder applies it: a member the original was not restricted to knows its envelope, not its data.
      const holder = original !== undefined && (original.recipients === undefined || original.recipients.includes(member));
      const held = holder && !original.tombstone && original.source !== member && !hasReceipt(state, retract.data.of, member, "retracted-applied");
      if (held) await onRetract?.(retract, original, ctx);
      applyTracked(state, event, at);
      if (held && receipts) await receipts.receipt(retract.data.of, "retracted-applied");
      return;
    }

    await handler(event, ctx);
    applyTracked(state, event, at);
    const addressed = event.recipients?.includes(member) === true && event.source !== member;
    // A redelivery, or a fold rebuilt from the streams, already holds our receipt: not sent twice.
    if (autoReceipts && receipts && addressed && (isContentKind(kind) || kind === ControlKind.enum.request) && !hasReceipt(state, event.id, member, "received")) {
      await receipts.receipt(event.id, "received");
    }
  };
}

function hasReceipt(state: TrackingState, eventId: string, member: string, status: string): boolean {
  return state.receipts.get(eventId)?.get(member)?.some((r) => r.status === status) === true;
}
