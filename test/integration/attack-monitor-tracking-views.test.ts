import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { createMonitor, type Monitor } from "../../services/monitor/service.js";
import { Rule } from "../../services/monitor/view.js";
import { TRACKING_BUCKET } from "../../services/tracking/index.js";
import { monitorTestConfig } from "../helpers/monitor.js";
import { testLog } from "../helpers/nats.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

/**
 * Red team (issue 11, the monitor blaming or sparing the wrong member): each member writes its own
 * tracking views (`<code>.requests`, `.receipts`, `.recalls`), and the monitor merged every
 * member's entries by event id and pending member only. France, reading the envelope of Spain's
 * overdue request to Morocco, wrote in its own key an entry of "its own" request under the same
 * id, pending at Morocco but not yet due: the entry read last replaced Spain's, and the monitor
 * no longer raised the overdue request (the same for receipts and recalls). Each claim is now kept
 * apart by its claimant, and a requester's word on its own request outweighs anyone's.
 */
const config = monitorTestConfig();
let secure: SecureTestServer;
let monitor: Monitor | undefined;
const buses: Bus[] = [];

beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  const admin = await secure.open("admin");
  buses.push(admin);
  await openJsonView(admin.js, admin.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
}, 120_000);
afterAll(async () => {
  await monitor?.stop();
  for (const b of buses) await b.close();
  await secure?.stop();
});

it("tracking views - France's entry under Spain's request id does not hide Spain's overdue request, receipt or recall", async () => {
  const request = randomUUID();
  const event = randomUUID();
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  const now = new Date().toISOString();
  const overdue = { id: request, channel: "crime", from: "es", to: ["ma"], subject: "s", urgency: "urgent-direct", limitSeconds: 60, time: hourAgo, due: new Date(Date.parse(hourAgo) + 60_000).toISOString(), answered: [], pending: ["ma"], level: "overdue" };
  const write = async (code: string, views: { requests: unknown[]; receipts: unknown[]; recalls: unknown[] }) => {
    const bus = await secure.open(code);
    buses.push(bus);
    const view = await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1 });
    for (const [key, value] of Object.entries(views)) await view.put(`${code}.${key}`, value);
  };
  // Spain's genuine views: its request to Morocco is overdue, its restricted event has no receipt
  // from Morocco, its retract is not applied by Morocco, all past their time limits.
  await write("es", {
    requests: [overdue],
    receipts: [{ event, source: "es", time: hourAgo, recipients: ["ma"], members: [], missing: ["ma"] }],
    recalls: [{ event, time: hourAgo, reason: "r", complied: [], pending: ["ma"], deadline: hourAgo, overdue: true }],
  });
  // France's, written after, under the same ids: "its own", just sent, not due yet.
  await write("fr", {
    requests: [{ ...overdue, from: "fr", limitSeconds: 86_400, time: now, due: new Date(Date.now() + 86_400_000).toISOString(), level: "ok" }],
    receipts: [{ event, source: "fr", time: now, recipients: ["ma"], members: [], missing: ["ma"] }],
    recalls: [{ event, time: now, reason: "r", complied: [], pending: ["ma"], deadline: new Date(Date.now() + 86_400_000).toISOString(), overdue: false }],
  });

  const bus = await secure.open("monitor");
  buses.push(bus);
  monitor = createMonitor({ config, bus, log: testLog });
  const status = await monitor.sampleNow();
  const critical = (rule: Rule) => status.checks.filter((c) => c.rule === rule && c.level === "critical" && c.member === "ma");
  expect(critical(Rule.RequestOverdue).map((c) => c.message)).toEqual([expect.stringContaining(`es's urgent-direct request "s" (${request})`)]);
  expect(critical(Rule.ReceiptsMissing).map((c) => c.message)).toEqual([expect.stringContaining(`es's event ${event}`)]);
  expect(critical(Rule.RecallPending).map((c) => c.message)).toEqual([expect.stringContaining(`es's retract of ${event}`)]);
}, 60_000);
