import { Gauge, type Registry } from "prom-client";
import type { Status } from "./view.js";

/**
 * v1.1 §1b.4 gauges, rewritten from each status: requests waiting for an answer from `member`,
 * by level (ok, warn past 75 % of the limit, critical overdue), and receipts `member` has not sent.
 */
export function createTrackingMetrics(registry: Registry): { update(status: Status): void } {
  const pending = new Gauge({ name: "alliance_requests_pending", help: "Requests waiting for an answer from the member, by level (critical: overdue).", labelNames: ["member", "level"], registers: [registry] });
  const missing = new Gauge({ name: "alliance_receipts_missing", help: "Receipts the member has not sent: received for restricted events, retracted-applied for retracts; by level.", labelNames: ["member", "status", "level"], registers: [registry] });
  return {
    update(status) {
      pending.reset();
      missing.reset();
      for (const r of status.tracking?.requests ?? []) pending.inc({ member: r.member, level: r.level });
      for (const m of status.tracking?.missing ?? []) missing.inc({ member: m.member, status: m.status, level: m.level });
    },
  };
}
