import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
 * Red team (h10): "a retract by a non-originator is refused everywhere" held only where the
 * checker had folded the original. A member not among a sealed event's recipients acked it without
 * a handler, so its tracking never learnt whose it was, and a retract of it signed by another
 * member naming itself as the origin passed there (a tombstone whose `source` and `tlp` the forger
 * chose). The original's envelope is signed in the clear (v1.1 R.5a): every member now folds it,
 * never its data, and judges the retract against it.
 */
const config = loadConfig();
const codes = ["it", "es", "fr", "ma"] as const;
const keys = await makeSealedMembers([...codes]);
const verify = createVerifier({ bounds: config.bounds, directory: keys.directory });
let server: TestServer;
let bus: Bus;
const desks = {} as Record<(typeof codes)[number], { tracking: Tracking; seen: AllianceEvent[]; rejected: Rejection[]; retracted: string[] }>;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
  for (const code of codes) {
    const publisher = createPublisher({ js: bus.js, signer: keys.signers[code]!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
    const tracking = createTracking({ bus, member: code, lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, publisher, keyring: keys.keyrings[code]!, sent: memorySentLog(), config: config.tracking });
    const desk = { tracking, seen: [] as AllianceEvent[], rejected: [] as Rejection[], retracted: [] as string[] };
    await tracking.start({ handler: async (e) => void desk.seen.push(e), onRejected: (r) => void desk.rejected.push(r), onRetract: async (r) => void desk.retracted.push(r.data.of) });
    desks[code] = desk;
  }
});
afterAll(async () => {
  for (const d of Object.values(desks)) await d.tracking.stop();
  await bus?.close();
  await server?.stop();
});

describe("attack - a retract of a sealed event by a non-originator, at a member it was not sealed to", () => {
  it("retract - Morocco's retract of Italy's bulletin (sealed to Spain) is refused by France too; Italy's own is folded there without a receipt", async () => {
    const original = await desks.it.tracking.client!.publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es"], data: sampleCrimeBulletin() });
    await waitFor("Spain reads it", () => desks.es.seen.some((e) => e.id === original.id));
    const publisher = createPublisher({ js: bus.js, signer: keys.signers.ma!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
    const forged = await publisher.publish({ channel: "crime", kind: "retract", tlp: "GREEN", lang: "fr", data: { of: original.id, origin: "ma", reason: "mine now" } });
    await waitFor("Spain refuses it", () => desks.es.rejected.some((r) => r.seq === forged.seq && r.reason === Reason.Policy));
    await waitFor("France decides", () => desks.fr.tracking.state.retracts.has(original.id) || desks.fr.rejected.some((r) => r.seq === forged.seq));
    expect(desks.fr.rejected.find((r) => r.seq === forged.seq)?.reason).toBe(Reason.Policy);
    expect(desks.fr.tracking.state.retracts.has(original.id)).toBe(false);
    // France knows the envelope Italy signed, never the data.
    expect(desks.fr.tracking.state.events.get(original.id)).toMatchObject({ source: "it", tlp: "RED", recipients: ["es"] });
    expect(desks.fr.seen.some((e) => e.id === original.id)).toBe(false);

    // Italy's own retract is valid everywhere; France folds it, holds nothing, answers nothing.
    const genuine = await desks.it.tracking.client!.retract(original.id, "sent in error");
    await waitFor("Spain complies", () => desks.it.tracking.state.receipts.get(original.id)?.get("es")?.some((r) => r.status === "retracted-applied") === true);
    await waitFor("France folds it", () => desks.fr.tracking.state.retracts.get(original.id)?.id === genuine.id);
    expect(desks.fr.rejected.some((r) => r.seq === genuine.seq)).toBe(false);
    // Only Spain held it: France's application is not asked to delete what it never had, and
    // France acknowledges the retract (no `retracted-applied` for an event it never received).
    await waitFor("France acknowledges", async () => (await bus.jsm.consumers.info("ALLIANCE_CRIME", "fr-tracking")).num_ack_pending === 0 && (await bus.jsm.consumers.info("ALLIANCE_CRIME", "fr-tracking")).num_pending === 0);
    expect(desks.es.retracted).toEqual([original.id]);
    expect(desks.fr.retracted).toEqual([]);

    // A rebuild from the streams (a restart) judges the same: France's retract is Italy's.
    const fresh = createTracking({ bus, member: "fr", lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, keyring: keys.keyrings.fr!, config: config.tracking });
    await fresh.rebuild();
    expect(fresh.state.retracts.get(original.id)).toMatchObject({ id: genuine.id, by: "it" });
    expect(fresh.state.events.get(original.id)).toMatchObject({ source: "it", recipients: ["es"] });
    // Nobody but Spain sent `retracted-applied`: France and Morocco did not hold the bulletin.
    expect([...(desks.it.tracking.state.receipts.get(original.id)?.keys() ?? [])]).toEqual(["es"]);
  });
});
