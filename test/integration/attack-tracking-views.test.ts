import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createTracking, memorySentLog, TRACKING_BUCKET, type Tracking } from "../../services/tracking/index.js";
import { waitFor } from "../helpers/collect.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (h10), the host as adversary: what a sealed request says is for its recipients only.
 * The tracking views a member writes to the broker's KV (for the host's monitor) must not carry
 * the plaintext of a sealed request, or the host reads it from its disk and its dashboard.
 */
const config = loadConfig();
const keys = await makeSealedMembers(["es", "ma"]);
const verify = createVerifier({ bounds: config.bounds, directory: keys.directory });
let server: TestServer;
let bus: Bus;
let es: Tracking;
let ma: Tracking;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
  const publisher = createPublisher({ js: bus.js, signer: keys.signers.es!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
  es = createTracking({ bus, member: "es", lang: "es", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, publisher, keyring: keys.keyrings.es!, sent: memorySentLog(), config: config.tracking });
  const maPublisher = createPublisher({ js: bus.js, signer: keys.signers.ma!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
  ma = createTracking({ bus, member: "ma", lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, publisher: maPublisher, keyring: keys.keyrings.ma!, sent: memorySentLog(), config: config.tracking });
  for (const t of [es, ma]) await t.start({ handler: async () => undefined });
});
afterAll(async () => {
  await ma?.stop();
  await es?.stop();
  await bus?.close();
  await server?.stop();
});

function grepStore(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

it("tracking views - the subject of a sealed request reaches neither the broker's KV nor its disk", async () => {
  const marker = `SEALED-SUBJECT-${Date.now()}`;
  const sent = await es.client!.request({ channel: "crime", to: ["ma"], subject: `Identity of ${marker}`, question: "Who?", urgency: "urgent" });
  // Sealed on the stream: the host cannot read it there.
  const stored = await bus.jsm.streams.getMessage(sent.stream, { seq: sent.seq });
  expect(new TextDecoder().decode(stored!.data)).not.toContain(marker);
  // The member's own view, in its own memory, keeps it.
  expect(es.views(Date.now()).requests.find((r) => r.id === sent.id)?.subject).toContain(marker);

  await es.publishViews(Date.now());
  const view = await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1 });
  const requests = await view.get<{ id: string }[]>("es.requests");
  expect(requests?.some((r) => r.id === sent.id)).toBe(true);
  expect(JSON.stringify(requests)).not.toContain(marker);
  await waitFor("the views on disk", () => grepStore(server.dir, sent.id).length > 0);
  expect(grepStore(server.dir, marker)).toEqual([]);
});

it("tracking views - what a recipient's sealed receipt says (declined) reaches neither the broker's KV nor its disk", async () => {
  const sent = await es.client!.publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "es", recipients: ["ma"], data: sampleCrimeBulletin() });
  await waitFor("Morocco's received receipt", () => es.views(Date.now()).receipts.some((r) => r.event === sent.id && r.members.some((m) => m.status === "received")));
  await ma.client!.receipt(sent.id, "declined", "not our case");
  await waitFor("Morocco's declined receipt", () => es.views(Date.now()).receipts.some((r) => r.event === sent.id && r.members.some((m) => m.status === "declined")));
  await es.publishViews(Date.now());
  const view = await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1 });
  const receipts = await view.get<{ event: string; missing: string[] }[]>("es.receipts");
  // What the monitor needs: the event and who has sent no receipt at all. Not what they said.
  expect(receipts?.find((r) => r.event === sent.id)?.missing).toEqual([]);
  expect(JSON.stringify(receipts)).not.toContain("declined");
});
