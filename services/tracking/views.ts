import type { ReceiptStatus, RequestUrgency } from "../../schemas/data/tracking.js";
import { dueLevel, type DueLevel } from "./due.js";
import type { TrackingState } from "./state.js";

/**
 * The views of v1.1 §1b.4 over a tracking state: plain JSON, computed for a given `now` (the
 * monitor's clock, or the demo's), so they are the same at every member that folded the same events.
 */

export interface RequestView {
  readonly id: string;
  readonly channel: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly urgency: RequestUrgency;
  readonly limitSeconds: number;
  readonly time: string;
  readonly due: string;
  /** Members asked who have answered, and when (signed time of their first response). */
  readonly answered: readonly { readonly member: string; readonly time: string; readonly late: boolean }[];
  /** Members asked who have not answered yet. */
  readonly pending: readonly string[];
  /** For the pending members: ok, warn (past 75 % of the limit) or overdue. `ok` once all answered. */
  readonly level: DueLevel;
}

/** Requests `member` sent or was asked, with their state at `now`; all of them when no member is given. */
export function requestsView(state: TrackingState, now: number, member?: string, warnRatio?: number): RequestView[] {
  const out: RequestView[] = [];
  for (const r of state.requests.values()) {
    if (member && r.from !== member && !r.to.includes(member)) continue;
    const first = new Map<string, string>();
    for (const resp of r.responses) if (!first.has(resp.from)) first.set(resp.from, resp.time);
    const answered = [...first].map(([m, time]) => ({ member: m, time, late: Date.parse(time) > Date.parse(r.due) }));
    const pending = r.to.filter((m) => !first.has(m));
    out.push({
      id: r.id, channel: r.channel, from: r.from, to: r.to, subject: r.subject, urgency: r.urgency, limitSeconds: r.limitSeconds,
      time: r.time, due: r.due, answered, pending, level: pending.length === 0 ? "ok" : dueLevel(r, now, warnRatio),
    });
  }
  return out.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : 1));
}

export function overdueRequests(state: TrackingState, now: number, member?: string): RequestView[] {
  return requestsView(state, now, member).filter((r) => r.level === "overdue");
}

export interface RecipientReceipt {
  readonly member: string;
  /** Latest status by signed time; undefined when the member has sent no receipt. */
  readonly status?: ReceiptStatus | undefined;
  readonly time?: string | undefined;
  readonly history: readonly { readonly status: ReceiptStatus; readonly time: string }[];
}

export interface ReceiptsView {
  readonly event: string;
  readonly source?: string | undefined;
  /** The event's signed time: receipts are due from it. */
  readonly time?: string | undefined;
  readonly recipients?: readonly string[] | undefined;
  readonly members: readonly RecipientReceipt[];
  /** Restricted events only: recipients that have sent no receipt at all. */
  readonly missing: readonly string[];
  readonly retract?: { readonly time: string; readonly reason: string; readonly complied: readonly string[]; readonly pending: readonly string[] } | undefined;
}

/** The originator's view of one event: per recipient, the latest receipt status and when. */
export function receiptsView(state: TrackingState, eventId: string): ReceiptsView {
  const known = state.events.get(eventId);
  const byMember = state.receipts.get(eventId) ?? new Map();
  const names = new Set<string>([...(known?.recipients ?? []), ...byMember.keys()]);
  const members = [...names].sort().map((m): RecipientReceipt => {
    const history = [...(byMember.get(m) ?? [])].map((r) => ({ status: r.status, time: r.time }));
    const latest = [...history].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0)).at(-1);
    return { member: m, status: latest?.status, time: latest?.time, history };
  });
  const missing = (known?.recipients ?? []).filter((m) => !byMember.has(m));
  const retracted = state.retracts.get(eventId);
  const complied = members.filter((m) => m.history.some((h) => h.status === "retracted-applied")).map((m) => m.member);
  return {
    event: eventId, source: known?.source, time: known?.time, recipients: known?.recipients, members, missing,
    retract: retracted && {
      time: retracted.time, reason: retracted.reason, complied,
      pending: (known?.recipients ?? []).filter((m) => !complied.includes(m)),
    },
  };
}

export interface RecallView extends NonNullable<ReceiptsView["retract"]> {
  readonly event: string;
  readonly deadline: string;
  readonly overdue: boolean;
}

/** Every retract `member` sent (all when none is given), with who has complied by `deadlineSeconds`. */
export function recallsView(state: TrackingState, now: number, deadlineSeconds: number, member?: string): RecallView[] {
  const out: RecallView[] = [];
  for (const [eventId, retract] of state.retracts) {
    if (member && retract.by !== member) continue;
    const r = receiptsView(state, eventId).retract!;
    const deadline = Date.parse(retract.time) + deadlineSeconds * 1000;
    out.push({ ...r, event: eventId, deadline: new Date(deadline).toISOString(), overdue: r.pending.length > 0 && now >= deadline });
  }
  return out.sort((a, b) => (a.time < b.time ? -1 : 1));
}
