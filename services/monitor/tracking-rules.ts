import type { TrackingConfig } from "../../schemas/tracking.js";
import { dueLevel, type DueLevel } from "../tracking/due.js";
import type { MemberViews } from "../tracking/service.js";
import { Level } from "./types.js";
import { Rule, type Check } from "./view.js";

/**
 * v1.1 §1b.4 health rules over the members' tracking views (KV `ALLIANCE_TRACKING`): requests
 * unanswered at 75 % of their limit (warn) or past it (critical), receipts missing from the
 * recipients of a restricted event, recipients not yet complying with a retract. Every deadline
 * comes from signed times in the views; the monitor's clock (`now`) is only compared with them.
 */

export interface PanelRequest {
  readonly id: string;
  readonly from: string;
  readonly member: string;
  readonly subject: string;
  readonly urgency: string;
  readonly due: string;
  readonly level: Level;
}

export interface PanelMissing {
  readonly event: string;
  readonly from: string;
  readonly member: string;
  readonly status: "received" | "retracted-applied";
  readonly due: string;
  readonly level: Level;
}

export interface TrackingPanel {
  /** Members whose views the monitor read. */
  readonly members: readonly string[];
  readonly requests: readonly PanelRequest[];
  readonly missing: readonly PanelMissing[];
}

const asLevel = (d: DueLevel): Level => (d === "overdue" ? Level.Critical : d === "warn" ? Level.Warn : Level.Ok);

/**
 * The panel and its checks; a request or event listed in several members' views counts once.
 * Entries are kept apart by their claimant (the requester, the event's or retract's originator):
 * each member writes its own views, and an entry under another member's id must not replace that
 * member's own (test/integration/attack-monitor-tracking-views.test.ts). On a request, the
 * requester's word outweighs that of a member asked, which may speak only for itself.
 */
export function trackingStatus(views: readonly MemberViews[], now: number, config: Pick<TrackingConfig, "warnRatio" | "receiptDeadlineSeconds" | "recallDeadlineSeconds">): { panel: TrackingPanel; checks: Check[] } {
  const requests = new Map<string, PanelRequest & { byRequester: boolean }>();
  const missing = new Map<string, PanelMissing>();
  for (const v of views) {
    for (const r of v.requests) {
      const byRequester = r.from === v.member;
      for (const member of r.pending) {
        const key = `${r.from}/${r.id}/${member}`;
        if (!byRequester && requests.get(key)?.byRequester) continue;
        const level = asLevel(dueLevel(r, now, config.warnRatio));
        requests.set(key, { id: r.id, from: r.from, member, subject: r.subject, urgency: r.urgency, due: r.due, level, byRequester });
      }
    }
    for (const e of v.receipts) {
      if (!e.time || e.retract) continue;
      const level = asLevel(dueLevel({ time: e.time, limitSeconds: config.receiptDeadlineSeconds }, now, config.warnRatio));
      const due = new Date(Date.parse(e.time) + config.receiptDeadlineSeconds * 1000).toISOString();
      const from = e.source ?? v.member;
      for (const member of e.missing) missing.set(`${from}/${e.event}/${member}/received`, { event: e.event, from, member, status: "received", due, level });
    }
    for (const r of v.recalls) {
      const level = asLevel(dueLevel({ time: r.time, limitSeconds: config.recallDeadlineSeconds }, now, config.warnRatio));
      for (const member of r.pending) missing.set(`${v.member}/${r.event}/${member}/retracted-applied`, { event: r.event, from: v.member, member, status: "retracted-applied", due: r.deadline, level });
    }
  }
  const panel: TrackingPanel = {
    members: views.map((v) => v.member).sort(),
    requests: [...requests.values()].map(({ byRequester: _, ...r }) => r).sort((a, b) => (a.due < b.due ? -1 : 1)),
    missing: [...missing.values()].sort((a, b) => (a.due < b.due ? -1 : 1)),
  };
  return { panel, checks: [...requestChecks(panel), ...missingChecks(panel)] };
}

function requestChecks(panel: TrackingPanel): Check[] {
  const checks = panel.requests.filter((r) => r.level !== Level.Ok).map((r): Check => ({
    rule: Rule.RequestOverdue, level: r.level, member: r.member,
    message: r.level === Level.Critical
      ? `Member ${r.member} has not answered ${r.from}'s ${r.urgency} request "${r.subject}" (${r.id}), due ${r.due}: overdue.`
      : `Member ${r.member} has not answered ${r.from}'s ${r.urgency} request "${r.subject}" (${r.id}); it is due ${r.due}.`,
  }));
  return checks.length > 0 ? checks : [{ rule: Rule.RequestOverdue, level: Level.Ok, message: `No request is near or past its time limit (${panel.requests.length} open).` }];
}

function missingChecks(panel: TrackingPanel): Check[] {
  const checks = panel.missing.filter((m) => m.level !== Level.Ok).map((m): Check => ({
    rule: m.status === "received" ? Rule.ReceiptsMissing : Rule.RecallPending, level: m.level, member: m.member,
    message: m.status === "received"
      ? `Member ${m.member} has sent no receipt for ${m.from}'s event ${m.event}${m.level === Level.Critical ? `, due by ${m.due}` : ` (due ${m.due})`}.`
      : `Member ${m.member} has not confirmed applying ${m.from}'s retract of ${m.event}${m.level === Level.Critical ? `, due by ${m.due}` : ` (due ${m.due})`}.`,
  }));
  return checks.length > 0 ? checks : [{ rule: Rule.ReceiptsMissing, level: Level.Ok, message: "Every restricted event and retract has its receipts, or is within its time limit." }];
}
