import type { Receipt, ReceiptStatus, Request, RequestUrgency, Response, Retract } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { ContentKind, ControlKind, DataContentType, parseEventType, type Handling, type Tlp } from "../../schemas/protocol.js";
import { dataSchemaFor } from "../../schemas/registry.js";

/**
 * What one member has learnt from the priority streams about requests, receipts, consents and
 * retracts (v1.1 §1b.4): a pure fold, in stream order, of the events it could read. Everything in
 * it comes from signed attributes (`time`, `source`, `recipients`, `data`), never from a local
 * clock, so two members folding the same events hold the same state.
 */

/** An event seen in a stream: its envelope metadata and where it is stored. */
export interface KnownEvent {
  readonly id: string;
  readonly source: string;
  readonly channel: string;
  readonly kind: string;
  readonly tlp: Tlp;
  readonly handling?: Handling | undefined;
  /** Undefined: unrestricted, every member could read it. */
  readonly recipients?: readonly string[] | undefined;
  readonly time: string;
  readonly stream?: string | undefined;
  readonly seq?: number | undefined;
  /** Known only from its retract (the original was erased before this fold saw it). */
  readonly tombstone?: boolean;
}

export interface ResponseEntry { readonly id: string; readonly from: string; readonly time: string }

export interface RequestEntry {
  readonly id: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly channel: string;
  readonly subject: string;
  readonly urgency: RequestUrgency;
  readonly limitSeconds: number;
  readonly time: string;
  readonly due: string;
  readonly responses: ResponseEntry[];
}

export interface ReceiptEntry { readonly id: string; readonly status: ReceiptStatus; readonly time: string }

export interface ConsentEntry { readonly id: string; readonly by: string; readonly grantee: string; readonly to: readonly string[]; readonly time: string }

export interface RetractEntry { readonly id: string; readonly by: string; readonly reason: string; readonly time: string }

export interface TrackingState {
  readonly events: Map<string, KnownEvent>;
  readonly requests: Map<string, RequestEntry>;
  /** Event id → member → that member's receipts about it, in stream order. */
  readonly receipts: Map<string, Map<string, ReceiptEntry[]>>;
  readonly consents: Map<string, ConsentEntry[]>;
  readonly retracts: Map<string, RetractEntry>;
}

export function emptyTracking(): TrackingState {
  return { events: new Map(), requests: new Map(), receipts: new Map(), consents: new Map(), retracts: new Map() };
}

/** Where an event is stored; absent when folded from somewhere that does not say. */
export interface StoredAt { readonly stream?: string; readonly seq?: number }

export function kindOf(event: Pick<AllianceEvent, "type">): string {
  return parseEventType(event.type)?.kind ?? "";
}

export function isControlKind(kind: string): boolean {
  return (ControlKind.options as readonly string[]).includes(kind);
}

export function isContentKind(kind: string): boolean {
  return (ContentKind.options as readonly string[]).includes(kind);
}

/**
 * Whether `data` is the plaintext its `type` names: plain JSON, or a sealed event the subscriber
 * has opened (whatever `datacontenttype` it then carries). A ciphertext is never read as data.
 */
export function hasReadableData(event: Pick<AllianceEvent, "type" | "datacontenttype" | "data">): boolean {
  if (event.datacontenttype === DataContentType.Json) return true;
  return dataSchemaFor(event.type)?.safeParse(event.data).success === true;
}

/**
 * Folds one event that passed the policy checks (policy.ts). Idempotent: an event folded twice
 * (a rebuild, then a redelivery) changes nothing the second time.
 */
export function applyTracked(state: TrackingState, event: AllianceEvent, at: StoredAt = {}): void {
  if (!foldEnvelope(state, event, at)) return;
  // A sealed control event the fold could not open carries no readable data: metadata only.
  if (!hasReadableData(event)) return;
  const parsed = parseEventType(event.type)!;
  switch (parsed.kind) {
    case ControlKind.enum.request: return foldRequest(state, event as AllianceEvent<Request>, parsed.channel);
    case ControlKind.enum.response: return foldResponse(state, event as AllianceEvent<Response>);
    case ControlKind.enum.receipt: return foldReceipt(state, event as AllianceEvent<Receipt>);
    case ControlKind.enum.retract: return foldRetract(state, event as AllianceEvent<Retract>);
  }
}

/**
 * Folds an event's signed envelope only (`id`, `source`, `tlp`, `handling`, `recipients`, `time`),
 * never its data: what every member may know of an event restricted to others (v1.1 R.5a), so
 * that a retract of it by anyone but its originator is refused there too. False when the event
 * was folded already (its first envelope stays: an id is its originator's).
 */
export function foldEnvelope(state: TrackingState, event: AllianceEvent, at: StoredAt = {}): boolean {
  const known = state.events.get(event.id);
  if (known && !known.tombstone) return false;
  // A retract folded before its original (the streams are folded one after another, or by
  // independent subscriptions: a retract on another channel can come first) was judged against
  // nothing. Now that the original's signed envelope is known, a retract by anyone but its source
  // is dropped, as the policy check would have refused it (test/integration/attack-retract-cross-channel.test.ts).
  const retract = state.retracts.get(event.id);
  if (known && retract && retract.by !== event.source) state.retracts.delete(event.id);
  const parsed = parseEventType(event.type);
  state.events.set(event.id, {
    id: event.id, source: event.source, channel: parsed?.channel ?? "", kind: parsed?.kind ?? "", tlp: event.tlp, handling: event.handling,
    recipients: event.recipients, time: event.time, stream: at.stream, seq: at.seq,
  });
  return true;
}

function foldRequest(state: TrackingState, event: AllianceEvent<Request>, channel: string): void {
  const d = event.data;
  state.requests.set(event.id, {
    id: event.id, from: event.source, to: d.to, channel, subject: d.subject, urgency: d.urgency,
    limitSeconds: d.limitSeconds, time: event.time, due: d.due, responses: [],
  });
}

function foldResponse(state: TrackingState, event: AllianceEvent<Response>): void {
  const request = state.requests.get(event.data.request);
  // Only the members asked answer a request; anything else is a comment, not a response.
  if (!request || request.from !== event.data.requester || !request.to.includes(event.source)) return;
  request.responses.push({ id: event.id, from: event.source, time: event.time });
}

function foldReceipt(state: TrackingState, event: AllianceEvent<Receipt>): void {
  const d = event.data;
  if (d.status === "consented") {
    const list = state.consents.get(d.of) ?? [];
    list.push({ id: event.id, by: event.source, grantee: d.grantee!, to: d.to!, time: event.time });
    state.consents.set(d.of, list);
    return;
  }
  const byMember = state.receipts.get(d.of) ?? new Map<string, ReceiptEntry[]>();
  const list = byMember.get(event.source) ?? [];
  list.push({ id: event.id, status: d.status, time: event.time });
  byMember.set(event.source, list);
  state.receipts.set(d.of, byMember);
}

function foldRetract(state: TrackingState, event: AllianceEvent<Retract>): void {
  const d = event.data;
  state.retracts.set(d.of, { id: event.id, by: event.source, reason: d.reason, time: event.time });
  // The original may already be erased when this fold runs (a rebuild after a recall): its
  // retract still names its recipients, who must answer it.
  if (!state.events.has(d.of)) {
    state.events.set(d.of, { id: d.of, source: d.origin, channel: "", kind: "", tlp: event.tlp, recipients: d.recipients, time: event.time, tombstone: true });
  }
}
