import { afterAll, beforeAll, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import type { Rejection } from "../../services/bus/consume/subscriber.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createTracking, memorySentLog, TRACKING_BUCKET, type Tracking } from "../../services/tracking/index.js";
import { waitFor } from "../helpers/collect.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (h10), finding (fails: not fixed): "a retract by a non-originator is refused
 * everywhere" holds only where the checker folded the original. A member not among a sealed
 * event's recipients acks it without a handler, so its tracking never learns whose it is; a retract
 * of it signed by another member naming itself as the origin passes the policy check there and is
 * folded (a tombstone whose `source` and `tlp` the forger chose).
 */
const config = loadConfig();
const codes = ["it", "es", "fr", "ma"] as const;
const keys = await makeSealedMembers([...codes]);
const verify = createVerifier({ bounds: config.bounds, directory: keys.directory });
let server: TestServer;
let bus: Bus;
const desks = {} as Record<(typeof codes)[number], { tracking: Tracking; seen: AllianceEvent[]; rejected: Rejection[] }>;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
  for (const code of codes) {
    const publisher = createPublisher({ js: bus.js, signer: keys.signers[code]!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
    const tracking = createTracking({ bus, member: code, lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, publisher, keyring: keys.keyrings[code]!, sent: memorySentLog(), config: config.tracking });
    const desk = { tracking, seen: [] as AllianceEvent[], rejected: [] as Rejection[] };
    await tracking.start({ handler: async (e) => void desk.seen.push(e), onRejected: (r) => void desk.rejected.push(r) });
    desks[code] = desk;
  }
});
afterAll(async () => {
  for (const d of Object.values(desks)) await d.tracking.stop();
  await bus?.close();
  await server?.stop();
});

it("retract - Morocco's retract of Italy's bulletin (sealed to Spain) is refused by France too", async () => {
  const original = await desks.it.tracking.client!.publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es"], data: sampleCrimeBulletin() });
  await waitFor("Spain reads it", () => desks.es.seen.some((e) => e.id === original.id));
  const publisher = createPublisher({ js: bus.js, signer: keys.signers.ma!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
  const forged = await publisher.publish({ channel: "crime", kind: "retract", tlp: "GREEN", lang: "fr", data: { of: original.id, origin: "ma", reason: "mine now" } });
  await waitFor("Spain refuses it", () => desks.es.rejected.some((r) => r.seq === forged.seq && r.reason === Reason.Policy));
  await waitFor("France decides", () => desks.fr.tracking.state.retracts.has(original.id) || desks.fr.rejected.some((r) => r.seq === forged.seq));
  expect(desks.fr.rejected.find((r) => r.seq === forged.seq)?.reason).toBe(Reason.Policy);
  expect(desks.fr.tracking.state.retracts.has(original.id)).toBe(false);
});
