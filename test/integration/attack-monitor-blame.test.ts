import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Quotas } from "../../schemas/config.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { memoryProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { createQuarantineWriter } from "../../services/bus/consume/quarantine.js";
import { subscribe, type Subscription } from "../../services/bus/consume/subscriber.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createMonitor, type Monitor } from "../../services/monitor/service.js";
import { Rule } from "../../services/monitor/view.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (issue 11): the monitor's quota check names a writer whose quarantine subject is at its
 * cap as the member "at its quota". But every subscriber must copy what it rejects, so France's
 * junk on its own crime subject fills Spain's `alliance.quarantine.es.<reason>`: the monitor then
 * named Spain, which only did its duty, as the member at its quota, and France nowhere on the
 * quarantine stream. The check must say whose messages the copies are (their claimed origin), and
 * not name the honest writer as the one to blame.
 */
const config = loadConfig();
const keys = await makeMembers(["fr", "it"]);
const CAP = 3;
let server: TestServer;
let bus: Bus;
let sub: Subscription | undefined;
let monitor: Monitor | undefined;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  await provisionStreams(bus.jsm, config.bounds, testLog, Quotas.parse({ quarantinePerSubjectMaxMsgs: CAP }));
});
afterAll(async () => {
  await monitor?.stop();
  await sub?.stop();
  await bus?.close();
  await server?.stop();
});

it("monitor blame - France's junk filling Spain's quarantine subject does not make Spain the member at its quota", async () => {
  for (let n = 0; n < CAP + 2; n++) {
    const h = headers();
    h.set("Nats-Msg-Id", `junk-${n}`);
    await bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode(`{"junk":${n}}`), { headers: h });
  }
  sub = await subscribe({
    js: bus.js, jsm: bus.jsm, log: testLog, member: "es",
    verify: createVerifier({ bounds: config.bounds, directory: keys.directory }),
    handler: async () => undefined,
    consumer: { stream: "ALLIANCE_CRIME", durable: "es-crime", startFrom: "all", settings: config.subscriber },
    processed: async () => memoryProcessedRecord(),
    quarantine: createQuarantineWriter(bus.js, { writer: "es" }),
    readAhead: 16,
  });
  const esCopies = async () => {
    const info = await bus.jsm.streams.info(StreamName.quarantine, { subjects_filter: "alliance.quarantine.es.>" });
    return Object.values(info.state.subjects ?? {}).some((n) => n >= CAP);
  };
  await waitFor("Spain's quarantine subject at its cap", esCopies, 30_000);

  monitor = createMonitor({ config, bus, log: testLog });
  const status = await monitor.sampleNow();
  const quota = status.checks.filter((c) => c.rule === Rule.Storage && c.stream === StreamName.quarantine);
  expect(quota.length).toBeGreaterThan(0);
  // Spain is not the member blamed; the check says the copies are of France's messages.
  expect(quota.filter((c) => c.member === "es")).toEqual([]);
  expect(quota.some((c) => /\(fr\)/.test(c.message) && /\(es\)/.test(c.message))).toBe(true);
}, 60_000);
