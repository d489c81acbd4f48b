import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AckPolicy } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { Header } from "../../services/bus/wire/headers.js";
import { memoryProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { generateMemberKey, signerFromJwk } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { subscribe, type Subscription } from "../../services/bus/consume/subscriber.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { demoScenario } from "../../services/demo/scenario.js";
import { startMonitorServer, type RunningMonitor } from "../../services/monitor/main.js";
import { waitFor } from "../helpers/collect.js";
import { craft, makeMembers, sampleEnvelope } from "../helpers/fixtures.js";
import { monitorTestConfig } from "../helpers/monitor.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/** Debian's chromium; CI installs it (.ci/run). Missing, the test fails: it never skips silently. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(import.meta.dirname, "../../test-artifacts");

const config = monitorTestConfig({ stalledSeconds: { warn: 3, critical: 600 } });
const members = await makeMembers(["ae", "bh", "ma", "fr", "es", "it", "sn", "sec"]);
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });

let server: TestServer;
let bus: Bus;
let monitor: RunningMonitor;
let browser: Browser;
let page: Page;
const subscriptions: Subscription[] = [];
const pageErrors: string[] = [];
const foreignRequests: string[] = [];
let publishing = true;
let flow: Promise<void> = Promise.resolve();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  monitor = await startMonitorServer({ config, bus, log: testLog, port: 0 });
  // Desks of Arabic-speaking and other members, verifying what arrives.
  for (const [member, channel] of [["ma", "crime"], ["ae", "extremism"], ["fr", "border"]] as const) {
    subscriptions.push(await subscribe({
      js: bus.js, jsm: bus.jsm, verify, log: testLog, handler: async () => sleep(20), member,
      consumer: { stream: StreamName[channel], durable: `${member}-${channel}-desk`, startFrom: "new", settings: config.subscriber },
      processed: () => Promise.resolve(memoryProcessedRecord()),
    }));
  }
  // Bahrain's border desk is down: its backlog grows and the dashboard warns about it.
  await bus.jsm.consumers.add(StreamName.border, { durable_name: "bh-border-desk", ack_policy: AckPolicy.Explicit });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (err) => pageErrors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") pageErrors.push(msg.text());
  });
  page.on("request", (req) => {
    if (!req.url().startsWith(monitor.url)) foreignRequests.push(req.url());
  });
});

afterAll(async () => {
  publishing = false;
  await flow;
  await browser?.close();
  await Promise.all(subscriptions.map((s) => s.stop()));
  await monitor?.close();
  await bus?.close();
  await server?.stop();
});

/** Members publish their scenario messages in turn, one every 150 ms, until told to stop. */
async function publishContinuously(): Promise<void> {
  const publishers = new Map(Object.entries(members.signers).map(([code, signer]) => [code, createPublisher({ js: bus.js, signer, bounds: config.bounds, log: testLog })]));
  const messages = demoScenario;
  for (let i = 0; publishing && i < 2_000; i++) {
    const m = messages[i % messages.length]!;
    await publishers.get(m.origin)!.publish({ channel: m.channel, kind: m.kind, tlp: m.tlp, lang: m.lang, data: m.data }); // v1.1: recipients would seal, as the demo, these go to all
    await sleep(150);
  }
}

/** An outsider's forgeries under Morocco's key id. */
async function forge(n: number): Promise<void> {
  const outsider = await signerFromJwk({ ...(await generateMemberKey("ma")), kid: members.signers.ma!.kid });
  for (let i = 0; i < n; i++) {
    const msg = await craft(outsider, { envelope: sampleEnvelope("ma", { lang: "ar" }), kid: members.signers.ma!.kid });
    const h = headers();
    for (const [k, v] of Object.entries(msg.headers)) h.set(k, v);
    await bus.js.publish(msg.subject, msg.body, { headers: h, msgID: msg.headers[Header.MsgId] });
  }
}

const cardField = (stream: string, field: string) => page.locator(`[data-stream="${stream}"] [data-field="${field}"]`);
const count = async (stream: string) => Number((await cardField(stream, "messages").textContent())?.replace(/,/g, ""));

describe("dashboard - in headless Chromium", () => {
  it("dashboard - shows live numbers changing while messages flow, quarantine by reason, Arabic member names, and nothing from the internet", async () => {
    flow = publishContinuously();
    await page.goto(monitor.url);
    await page.locator('[data-stream="ALLIANCE_CRIME"]').waitFor();

    // Live: the page is never reloaded, yet the numbers move.
    await waitFor("messages on the crime channel", async () => (await count(StreamName.crime)) > 0, 180_000);
    const first = await count(StreamName.crime) + await count(StreamName.border) + await count(StreamName.extremism);
    await waitFor("the counts to rise on the page", async () => (await count(StreamName.crime)) + (await count(StreamName.border)) + (await count(StreamName.extremism)) >= first + 5, 180_000);
    await waitFor("a publish rate", async () => /[1-9]/.test((await cardField(StreamName.crime, "rate").textContent()) ?? ""), 180_000);

    await forge(7);
    const reasonRow = page.locator('#q-reasons [data-key="bad-signature"] .count');
    await waitFor("the forgeries in quarantine by reason", async () => (await reasonRow.count()) === 1 && (await reasonRow.textContent()) === "7", 180_000);

    // Who wrote each entry: Morocco's desk, from the entry's subject.
    await waitFor("the writer column", async () => (await page.locator('#q-latest td.writer [data-member="ma"]').count()) > 0, 180_000);
    // Arabic member names, isolated for bidi, in the consumer table, the origin bars and the alerts.
    const morocco = page.locator('#q-origins [data-member="ma"] bdi[dir="auto"]');
    await expect.poll(() => morocco.textContent(), { timeout: 60_000 }).toBe("المملكة المغربية");
    expect(await morocco.getAttribute("lang")).toBe("ar");
    await expect.poll(() => page.locator('#consumers [data-member="ae"] bdi').first().textContent(), { timeout: 60_000 }).toBe("الإمارات العربية المتحدة");
    await waitFor("Bahrain's stalled desk in the alerts", async () => (await page.locator('#alerts [data-rule="consumer-stalled"] [data-member="bh"] bdi').count()) > 0, 180_000);
    expect(await page.locator('#alerts [data-rule="consumer-stalled"]').first().textContent()).toContain("bh-border-desk of Bahrain (bh) on ALLIANCE_BORDER");
    expect(await page.locator("#overall").textContent()).toBe("warn");
    // Arabic is laid out right to left inside its isolate, without turning the page around.
    // (A string: the test is type-checked without the DOM library.)
    const directions = await page.evaluate(`(() => {
      const bdi = document.querySelector('#q-origins [data-member="ma"] bdi');
      return [getComputedStyle(bdi).direction, getComputedStyle(document.body).direction];
    })()`);
    expect(directions).toEqual(["rtl", "ltr"]);

    // The charts are drawn from the live history.
    await waitFor("chart lines", async () => (await page.locator("#chart-lag polyline").count()) >= 3 && (await page.locator("#chart-rate polyline").count()) >= 3, 180_000);

    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, "dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);

    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
