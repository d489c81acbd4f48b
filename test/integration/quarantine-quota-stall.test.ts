import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Quotas } from "../../schemas/config.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { memoryProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { createQuarantineWriter } from "../../services/bus/consume/quarantine.js";
import { subscribe, type Subscription } from "../../services/bus/consume/subscriber.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (h10), finding: one member stalled another member's subscriber for every origin.
 * Quarantine copies are capped per writer and reason (`alliance.quarantine.<writer>.<reason>`,
 * `quotas.quarantinePerSubjectMaxMsgs`, default 100, discard new per subject). France sends
 * junk until Spain's `bad-signature` subject is full; every later rejected message is then held
 * (its copy retried for ever), France's next messages queue behind it in France's order, the
 * read-ahead fills with them, and Spain's subscriber reads nothing more from anyone: Italy's valid
 * bulletin is never handled. Here the cap is 3 so that it happens at once; at the default it takes
 * France 10,000 cheap messages.
 */
const config = loadConfig();
const keys = await makeMembers(["fr", "it"]);
let server: TestServer;
let bus: Bus;
let sub: Subscription | undefined;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  await provisionStreams(bus.jsm, config.bounds, testLog, Quotas.parse({ quarantinePerSubjectMaxMsgs: Number(process.env.REPRO_CAP ?? 3) }));
});
afterAll(async () => {
  await sub?.stop();
  await bus?.close();
  await server?.stop();
});

it("quarantine quota - France's junk does not stop Spain's subscriber from handling Italy's bulletin", async () => {
  const junk = async (n: number) => {
    const h = headers();
    h.set("Nats-Msg-Id", `junk-${n}`);
    await bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode(`{"junk":${n}}`), { headers: h });
  };
  for (let n = 0; n < 40; n++) await junk(n);
  const it = createPublisher({ js: bus.js, signer: keys.signers.it!, bounds: config.bounds, log: testLog });
  const bulletin = await it.publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "it", data: sampleCrimeBulletin() });

  const handled: string[] = [];
  sub = await subscribe({
    js: bus.js, jsm: bus.jsm, log: testLog, member: "es",
    verify: createVerifier({ bounds: config.bounds, directory: keys.directory }),
    handler: async (event) => void handled.push(event.id),
    consumer: { stream: "ALLIANCE_CRIME", durable: "es-crime", startFrom: "all", settings: config.subscriber },
    processed: async () => memoryProcessedRecord(),
    quarantine: createQuarantineWriter(bus.js, { writer: "es" }),
    readAhead: 16,
  });
  await waitFor("Spain handles Italy's bulletin", () => handled.includes(bulletin.id), 30_000);
  expect(sub.health().held).toBeLessThanOrEqual(1);
});
