import { runAlliance } from "../helpers/cli.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckPolicy } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { Header } from "../../services/bus/wire/headers.js";
import { memoryProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { generateMemberKey, signerFromJwk } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { subscribe, type Subscription } from "../../services/bus/consume/subscriber.js";
import type { QuarantineWriter } from "../../services/bus/consume/quarantine.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { startMonitorServer, type RunningMonitor } from "../../services/monitor/main.js";
import { Level } from "../../services/monitor/types.js";
import { Rule } from "../../services/monitor/view.js";
import { waitFor } from "../helpers/collect.js";
import { craft, makeMembers, sampleCrimeBulletin, sampleEnvelope } from "../helpers/fixtures.js";
import { getJson, getMetrics, getStatus, metricValue, monitorTestConfig } from "../helpers/monitor.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { startSecureTestServer } from "../helpers/secure-nats.js";
import { ADMIN_IDENTITY, MONITOR_IDENTITY } from "../../services/identity/identities.js";

const config = monitorTestConfig(
  // A wide warn window: on a loaded machine a sample can come late, and warn must be seen before critical.
  { stalledSeconds: { warn: 2, critical: 8 }, quarantinePerMinute: { warn: 5, critical: 1000 } },
  { maxDeliver: 3, ackWaitSeconds: 2, backoffSeconds: [0.1] },
);
const members = await makeMembers(["fr", "es", "ma", "sec"]);
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });

let server: TestServer;
let bus: Bus;
let running: RunningMonitor;
let url: string;
let dir: string;
const subscriptions: Subscription[] = [];

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  running = await startMonitorServer({ config, bus, log: testLog, port: 0 });
  url = running.url;
  // The CLI reads the same thresholds from a file.
  dir = mkdtempSync(join(tmpdir(), "alliance-monitor-"));
  writeFileSync(join(dir, "alliance.json"), JSON.stringify(config));
});
afterAll(async () => {
  await Promise.all(subscriptions.map((s) => s.stop()));
  await running?.close();
  await bus?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function alliance(args: string[]) {
  return runAlliance(["--config", join(dir, "alliance.json"), ...args], { env: { ...process.env, NATS_URL: server.url, LOG_LEVEL: "warn", LOG_PRETTY: "false" } });
}

const readyz = () => getJson<{ status: string; checks: { level: string; rule: string; message: string }[] }>(new URL("readyz", url).href);
const stalledLevel = async () => metricValue(await getMetrics(url), "alliance_health_status", { rule: Rule.ConsumerStalled, stream: StreamName.border, consumer: "fr-border-desk", member: "fr" });

describe("monitor - health", () => {
  it("monitor - /healthz answers for the monitor itself, /readyz is ok on an idle bus", async () => {
    await waitFor("a first sample", async () => (await getStatus(url)).collector.ok);
    expect((await getJson<{ status: string }>(new URL("healthz", url).href)).body.status).toBe("ok");
    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe(Level.Ok);
  });

  it("monitor - a stalled consumer turns warn then critical on /readyz, /metrics and `alliance status`, and ok again once it is served", async () => {
    // A member's desk whose subscriber is not running: its messages wait and nothing is acknowledged.
    await bus.jsm.consumers.add(StreamName.border, { durable_name: "fr-border-desk", ack_policy: AckPolicy.Explicit });
    const publisher = createPublisher({ js: bus.js, signer: members.signers.fr!, bounds: config.bounds, log: testLog });
    const border = (await import("../../services/demo/scenario.js")).demoScenario.find((m) => m.channel === "border" && m.kind === "bulletin")!;
    for (let i = 0; i < 3; i++) await publisher.publish({ channel: "border", kind: "bulletin", tlp: "AMBER", lang: "fr", data: border.data });

    await waitFor("warn on /readyz", async () => (await readyz()).body.status === Level.Warn, 180_000);
    const warn = await readyz();
    expect(warn.status).toBe(200);
    const check = warn.body.checks.find((c) => c.rule === Rule.ConsumerStalled)!;
    expect(check.level).toBe(Level.Warn);
    // The sentence names the consumer, its member and the stream.
    expect(check.message).toMatch(/fr-border-desk of France \(fr\) on ALLIANCE_BORDER has acknowledged nothing for \d+ s with 3 message/);
    await waitFor("warn in /metrics", async () => (await stalledLevel()) === 1, 180_000);

    await waitFor("critical on /readyz", async () => (await readyz()).status === 503, 180_000);
    expect((await readyz()).body.status).toBe(Level.Critical);
    await waitFor("critical in /metrics", async () => (await stalledLevel()) === 2, 180_000);
    expect(metricValue(await getMetrics(url), "alliance_health_overall")).toBe(2);
    expect(metricValue(await getMetrics(url), "alliance_consumer_pending_messages", { stream: StreamName.border, consumer: "fr-border-desk", member: "fr" })).toBe(3);

    // The same picture in the terminal; exit code 3 for scripts and cron.
    const table = await alliance(["status", "--no-color"]);
    expect(table.code).toBe(3);
    expect(table.stdout).toMatch(/ALLIANCE_BORDER\s+fr-border-desk\s+fr\s+critical\s+3/);
    expect(table.stderr).toContain("ERR_HEALTH_CRITICAL");
    const json = await alliance(["status", "--json"]);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout).overall).toBe(Level.Critical);

    // Its subscriber starts: the backlog is served and the rule comes back to ok.
    subscriptions.push(await subscribe({
      js: bus.js, jsm: bus.jsm, verify, log: testLog, handler: async () => undefined,
      consumer: { stream: StreamName.border, durable: "fr-border-desk", startFrom: "all", settings: config.subscriber },
      processed: () => Promise.resolve(memoryProcessedRecord()),
    }));
    await waitFor("ok on /readyz", async () => (await readyz()).status === 200 && (await readyz()).body.status === Level.Ok, 180_000);
    expect(await stalledLevel()).toBe(0);
    const ok = await alliance(["status", "--json"]);
    expect(ok.code).toBe(0);
  });
});

describe("monitor - quarantine", () => {
  it("monitor - a burst of forged messages shows in the quarantine counts by reason and claimed origin, each counted once", async () => {
    subscriptions.push(await subscribe({
      js: bus.js, jsm: bus.jsm, verify, log: testLog, handler: async () => undefined,
      member: "es",
      consumer: { stream: StreamName.crime, durable: "es-crime-desk", startFrom: "new", settings: config.subscriber },
      processed: () => Promise.resolve(memoryProcessedRecord()),
    }));
    // An outsider signs under France's key id; another sends Spain's bulletins unsigned.
    const outsider = await signerFromJwk({ ...(await generateMemberKey("fr")), kid: members.signers.fr!.kid });
    const forge = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const msg = await craft(outsider, { envelope: sampleEnvelope("fr"), kid: members.signers.fr!.kid });
        const h = headers();
        for (const [k, v] of Object.entries(msg.headers)) h.set(k, v);
        await bus.js.publish(msg.subject, msg.body, { headers: h, msgID: msg.headers[Header.MsgId] });
      }
    };
    await forge(6);
    for (let i = 0; i < 3; i++) {
      const envelope = sampleEnvelope("es", { lang: "es" });
      const h = headers();
      h.set(Header.MsgId, String(envelope.id));
      await bus.js.publish("alliance.crime.es.bulletin", new TextEncoder().encode(JSON.stringify(envelope)), { headers: h, msgID: String(envelope.id) });
    }
    // A real bulletin still flows beside them.
    await createPublisher({ js: bus.js, signer: members.signers.ma!, bounds: config.bounds, log: testLog }).publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "ar", data: sampleCrimeBulletin() });

    await waitFor("the quarantine counts", async () => {
      const q = (await getStatus(url)).quarantine;
      return q.retainedByReason["bad-signature"] === 6 && q.retainedByReason.unsigned === 3 && q.byOrigin.fr === 6 && q.byOrigin.es === 3;
    }, 180_000);
    let status = await getStatus(url);
    expect(status.quarantine.byReason).toEqual({ "bad-signature": 6, unsigned: 3 });
    expect(status.quarantine.byReasonOrigin).toEqual({ "bad-signature": { fr: 6 }, unsigned: { es: 3 } });
    expect(status.quarantine.latest[0]).toMatchObject({ writer: "es", reason: "unsigned", claimedOrigin: "es", originalSubject: "alliance.crime.es.bulletin", consumer: "es-crime-desk" });
    expect(status.quarantine.byWriter).toEqual({ es: 9 });
    expect(status.quarantine.latest[0]!.bytes).toBeGreaterThan(100);
    const rate = status.checks.find((c) => c.rule === Rule.QuarantineRate)!;
    expect(rate.level).toBe(Level.Warn);
    expect(rate.message).toMatch(/^9 messages quarantined in the last minute .*most as bad-signature claiming to come from France \(fr\)/);

    let metrics = await getMetrics(url);
    expect(metricValue(metrics, "alliance_quarantine_retained_messages", { reason: "bad-signature" })).toBe(6);
    expect(metricValue(metrics, "alliance_quarantine_messages_total", { reason: "bad-signature", member: "fr" })).toBe(6);
    expect(metricValue(metrics, "alliance_quarantine_messages_total", { reason: "unsigned", member: "es" })).toBe(3);
    expect(metricValue(metrics, "alliance_quarantine_written_total", { writer: "es" })).toBe(9);

    // Only new messages are read: a second burst adds to the counts, nothing is counted twice.
    await forge(2);
    await waitFor("the second burst", async () => (await getStatus(url)).quarantine.byReason["bad-signature"] === 8, 180_000);
    await new Promise((r) => setTimeout(r, 1_500));
    status = await getStatus(url);
    expect(status.quarantine.read).toBe(11);
    expect(status.quarantine.byOrigin).toEqual({ fr: 8, es: 3 });
    metrics = await getMetrics(url);
    expect(metricValue(metrics, "alliance_quarantine_messages_total", { reason: "bad-signature", member: "fr" })).toBe(8);
  });
});

describe("monitor - advisories", () => {
  it("monitor - terminated, max-deliveries and consumer advisories are counted, and max deliveries raise a warning", async () => {
    // The quarantined messages above were terminated on es-crime-desk: one advisory each.
    await waitFor("terminated advisories", async () =>
      (metricValue(await getMetrics(url), "alliance_jetstream_advisories_total", { kind: "terminated", stream: StreamName.crime, consumer: "es-crime-desk" }) ?? 0) >= 11, 180_000);

    // A consumer whose reader never acknowledges: the server gives up after max_deliver.
    await bus.jsm.consumers.add(StreamName.extremism, { durable_name: "ma-flaky", ack_policy: AckPolicy.Explicit, max_deliver: 2, ack_wait: 500_000_000 });
    await bus.js.publish("alliance.extremism.ma.bulletin", new TextEncoder().encode("{}"));
    const flaky = await bus.js.consumers.get(StreamName.extremism, "ma-flaky");
    await waitFor("a max-deliveries advisory", async () => {
      await flaky.next({ expires: 1_000 });
      return (metricValue(await getMetrics(url), "alliance_jetstream_advisories_total", { kind: "max_deliver", stream: StreamName.extremism, consumer: "ma-flaky" }) ?? 0) >= 1;
    }, 180_000);
    const status = await getStatus(url);
    const check = status.checks.find((c) => c.rule === Rule.MaxDeliveries && c.consumer === "ma-flaky")!;
    expect(check.level).toBe(Level.Warn);
    expect(check.message).toContain("ma-flaky on ALLIANCE_EXTREMISM gave up on 1 message(s)");
    expect(status.advisories.counts).toContainEqual({ kind: "consumer_action", stream: StreamName.extremism, consumer: "ma-flaky", count: 1 });
    // The monitor's own quarantine readers are not news.
    expect(status.advisories.counts.some((c) => c.consumer.startsWith("alliance_monitor_"))).toBe(false);
  });
});

describe("monitor - held messages", () => {
  it("monitor - a subscriber holding a message whose quarantine copy cannot be stored turns its consumer critical (consumer-stalled)", async () => {
    const unreachable: QuarantineWriter = { writer: "it", store: async () => { throw new Error("quarantine stream unreachable"); } };
    const sub = await subscribe({
      js: bus.js, jsm: bus.jsm, verify, log: testLog, handler: async () => undefined, quarantine: unreachable,
      consumer: { stream: StreamName.extremism, durable: "it-extremism-desk", startFrom: "new", settings: config.subscriber },
      processed: () => Promise.resolve(memoryProcessedRecord()),
    });
    try {
      await bus.js.publish("alliance.extremism.it.bulletin", new TextEncoder().encode("{}"), { msgID: `held-${Date.now()}` });
      await waitFor("the message held", () => sub.health().held === 1, 180_000);
      const stalled = async () => (await getStatus(url)).checks.find((c) => c.rule === Rule.ConsumerStalled && c.consumer === "it-extremism-desk");
      await waitFor("consumer-stalled critical for the holding desk", async () => (await stalled())?.level === Level.Critical, 180_000);
      // Held, not lost: the server still counts it as delivered and unacknowledged, never redelivered.
      const info = await bus.jsm.consumers.info(StreamName.extremism, "it-extremism-desk");
      expect(info.num_ack_pending).toBe(1);
      expect(info.num_redelivered).toBe(0);
    } finally {
      await sub.stop();
      await bus.jsm.consumers.delete(StreamName.extremism, "it-extremism-desk");
    }
  }, 180_000);
});

describe("monitor - read-only identity", () => {
  it("monitor - connected as the `monitor` identity it samples streams, consumers, quarantine and advisories, and may publish nothing", async () => {
    await using secure = await startSecureTestServer({ config });
    const admin = await secure.open(ADMIN_IDENTITY);
    // A member's subscriber copies what it rejects to quarantine.
    const spain = await secure.open("es");
    const monitorBus = await secure.open(MONITOR_IDENTITY);
    try {
      await using secured = await startMonitorServer({ config, bus: monitorBus, log: testLog, port: 0 });
      const h = headers();
      h.set(Header.OriginalSubject, "alliance.crime.es.bulletin");
      h.set(Header.QuarantineReason, "unsigned");
      await spain.js.publish("alliance.quarantine.es.unsigned", new TextEncoder().encode("{}"), { headers: h });
      await admin.jsm.consumers.add(StreamName.crime, { durable_name: "es-audit", ack_policy: AckPolicy.Explicit });

      await waitFor("a full sample as the monitor", async () => {
        const s = await getStatus(secured.url);
        return s.collector.ok && s.missing.length === 0 && s.quarantine.byOrigin.es === 1 && s.advisories.counts.some((a) => a.consumer === "es-audit")
          && s.streams.some((st) => st.consumers.some((c) => c.name === "es-audit"));
      }, 180_000);
      const status = await getStatus(secured.url);
      expect(status.streams.map((st) => st.name)).toEqual(Object.values(StreamName));
      // Who wrote it comes from the subject the broker let Spain publish on.
      expect(status.quarantine.byWriter).toEqual({ es: 1 });
      expect(status.quarantine.latest[0]).toMatchObject({ writer: "es", reason: "unsigned" });
      expect(status.streams.find((st) => st.name === StreamName.crime)!.consumers.find((c) => c.name === "es-audit")).toMatchObject({ member: "es", durable: true });

      // Read-only: the broker refuses the monitor's publishes.
      await expect(monitorBus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{}"), { timeout: 2_000 })).rejects.toThrow();
      await expect(monitorBus.jsm.streams.delete(StreamName.crime)).rejects.toThrow();
      expect((await admin.jsm.streams.info(StreamName.crime)).state.messages).toBe(0);
    } finally {
      await monitorBus.close();
      await spain.close();
      await admin.close();
    }
  });
});
