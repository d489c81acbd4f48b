import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openJsonView, type JsonView } from "../../services/bus/admin/json-view.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { createMonitor } from "../../services/monitor/service.js";
import { TRACKING_BUCKET } from "../../services/tracking/index.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (h10), a hostile member against the host's monitor. Each member may write its own keys
 * of the tracking views bucket (`<code>.requests`, …) and the monitor takes their word: what one
 * member writes there must neither stop the monitor nor put alerts in another member's name.
 */
const config = loadConfig();
let server: TestServer;
let bus: Bus;
let view: JsonView;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  view = await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

const request = (over: Record<string, unknown>) => ({
  id: randomUUID(), channel: "crime", from: "es", to: ["fr"], subject: "s", urgency: "urgent", limitSeconds: 60,
  time: "2026-01-01T00:00:00.000Z", due: "2026-01-01T00:01:00.000Z", answered: [], pending: ["fr"], level: "overdue", ...over,
});

it("monitor - a member's malformed tracking views are ignored: the monitor keeps sampling and alerting", async () => {
  await using monitor = createMonitor({ config, bus, log: testLog });
  for (const [key, junk] of [["es.requests", 42], ["es.receipts", [{ event: "x", time: "not a time", missing: ["fr"] }]], ["es.recalls", [{ pending: 7 }]]] as const) {
    await view.put(key, junk);
    const status = await monitor.sampleNow();
    expect(status.checks.length).toBeGreaterThan(0);
  }
});

it("monitor - a member's views raise alerts only about its own requests, not in another member's name", async () => {
  await view.put("es.requests", [request({ from: "it" }), request({ from: "es", subject: "es's own" })]);
  await view.put("es.receipts", []);
  await view.put("es.recalls", []);
  await using monitor = createMonitor({ config, bus, log: testLog, now: () => Date.parse("2026-01-02T00:00:00Z") });
  const status = await monitor.sampleNow();
  const overdue = status.checks.filter((c) => c.rule === "request-overdue" && c.level === "critical").map((c) => c.message);
  expect(overdue.some((m) => m.includes("es's own"))).toBe(true);
  expect(overdue.some((m) => m.includes("it's"))).toBe(false);
});
