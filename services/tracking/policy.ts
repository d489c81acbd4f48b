import type { Receipt, Request, Retract } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { ControlKind } from "../../schemas/protocol.js";
import { hasReadableData, kindOf, type KnownEvent, type TrackingState } from "./state.js";

/**
 * The policy checks of v1.1 §1b.3–§1b.4 that need what a member has seen before: the same
 * function runs in the publisher's SDK (refuse before signing) and in every subscriber (a failure
 * is quarantined as `policy`). It returns why the event breaks policy, or undefined.
 *
 * What a checker cannot see it does not assume: an original it never saw (restricted to others)
 * counts as needing consent, and a receipt it cannot judge (restricted, about someone else's
 * restricted event) is left to the originator, who can.
 */
export function policyViolation(state: TrackingState, event: AllianceEvent, checker?: string): string | undefined {
  if (event.derivedfrom) {
    const broken = derivedViolation(state, event);
    if (broken) return broken;
  }
  if (!hasReadableData(event)) return undefined;
  switch (kindOf(event)) {
    case ControlKind.enum.request: return requestViolation(event as AllianceEvent<Request>);
    case ControlKind.enum.receipt: return receiptViolation(state, event as AllianceEvent<Receipt>, checker);
    case ControlKind.enum.retract: return retractViolation(state, event as AllianceEvent<Retract>);
    default: return undefined;
  }
}

/** RED, AMBER+STRICT and H2 stay under their originator's control (§1b.3). */
export function needsConsent(original: KnownEvent | undefined): boolean {
  return !original || original.tlp === "RED" || original.tlp === "AMBER+STRICT" || original.handling === "H2";
}

/** `<origin>:<id>` of `derivedfrom`. */
export function parseEventRef(ref: string): { origin: string; id: string } {
  const colon = ref.indexOf(":");
  return { origin: ref.slice(0, colon), id: ref.slice(colon + 1) };
}

function derivedViolation(state: TrackingState, event: AllianceEvent): string | undefined {
  const { origin, id } = parseEventRef(event.derivedfrom!);
  const original = state.events.get(id);
  if (original && !original.tombstone && original.source !== origin) return `derivedfrom names ${origin} as the origin of ${id}, which ${original.source} published`;
  if (event.source === origin || !needsConsent(original)) return undefined;
  const why = original ? `${original.tlp}${original.handling ? `/${original.handling}` : ""}` : "not visible to this member";
  if (!event.recipients) return `derived from ${event.derivedfrom} (${why}) but not restricted: it must stay sealed to the members ${origin} consented to`;
  const consents = (state.consents.get(id) ?? []).filter((c) => c.by === origin && c.grantee === event.source);
  if (consents.length === 0) return `derived from ${event.derivedfrom} (${why}) without the originator's consent (no consented receipt from ${origin} for ${event.source})`;
  const covering = consents.find((c) => event.recipients!.every((r) => c.to.includes(r)));
  if (!covering) {
    const widest = consents.reduce((a, b) => (b.to.length > a.to.length ? b : a));
    const extra = event.recipients.filter((r) => !widest.to.includes(r));
    return `derived from ${event.derivedfrom}: ${origin}'s consent names fewer recipients (${widest.to.join(",")}) than the derived event (${extra.join(",")} not consented)`;
  }
  // Consent is to these recipients only: a derived event that is not itself controlled (RED,
  // AMBER+STRICT or H2) could be passed on by them to anyone, without the originator's consent.
  if (!needsConsent({ tlp: event.tlp, handling: event.handling } as KnownEvent)) {
    return `derived from ${event.derivedfrom} (${why}) but labelled ${event.tlp}${event.handling ? `/${event.handling}` : ""}: it must stay RED, AMBER+STRICT or H2, so that its recipients need ${origin}'s consent to pass it on`;
  }
  return undefined;
}

function requestViolation(event: AllianceEvent<Request>): string | undefined {
  const missing = event.recipients ? event.data.to.filter((m) => !event.recipients!.includes(m)) : [];
  if (missing.length > 0) return `request is restricted but asks ${missing.join(",")}, who are not among its recipients`;
  return undefined;
}

function receiptViolation(state: TrackingState, event: AllianceEvent<Receipt>, checker?: string): string | undefined {
  const d = event.data;
  const original = state.events.get(d.of);
  if (original && original.source !== d.origin) return `receipt names ${d.origin} as the origin of ${d.of}, which ${original.source} published`;
  if (d.status === "consented") {
    if (event.source !== d.origin) return `consent to pass on ${d.of} signed by ${event.source}, not by its originator ${d.origin}`;
    return undefined;
  }
  if (event.source === d.origin) return `receipt ${d.status} by ${event.source} about its own event ${d.of}`;
  if (original) {
    if (original.recipients && !original.recipients.includes(event.source)) {
      return `receipt by ${event.source} for ${d.of}, which was restricted to ${original.recipients.join(",")}: it never received it`;
    }
    return undefined;
  }
  // Never seen here. An unrestricted receipt is about an unrestricted event (a restricted one's
  // receipt is restricted to its originator), which every member reads: so it is not in the stream.
  if (!event.recipients) return `receipt by ${event.source} for ${d.of}, which is not in the stream`;
  // Restricted: the originator saw all its own events, so it can tell; anyone else cannot.
  if (checker === d.origin) return `receipt by ${event.source} for ${d.of}, which ${d.origin} never published to it`;
  return undefined;
}

function retractViolation(state: TrackingState, event: AllianceEvent<Retract>): string | undefined {
  const d = event.data;
  if (event.source !== d.origin) return `retract of ${d.of} by ${event.source}, not by its originator ${d.origin}`;
  const original = state.events.get(d.of);
  if (original && !original.tombstone && original.source !== event.source) return `retract of ${d.of} by ${event.source}, not by its originator ${original.source}`;
  return undefined;
}
