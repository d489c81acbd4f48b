import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createTracking, memorySentLog, TRACKING_BUCKET } from "../../services/tracking/index.js";
import { demoScenario } from "../../services/demo/scenario.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (issue 11, the envelope fold of events sealed to others): a retract is judged against
 * the original's envelope only if the original was folded first. The three priority streams are
 * folded one after the other (a rebuild: crime, then border, then extremism) or by three
 * independent subscriptions, so a retract published on ALLIANCE_CRIME of an event stored on
 * ALLIANCE_BORDER is folded before its original. Morocco, not the originator, retracts Italy's
 * border bulletin (sealed to Spain) from the crime channel, naming itself as the origin: every
 * member's rebuild recorded Morocco's retract of Italy's bulletin, although the same members
 * refuse it live. Once the original's envelope is folded, a retract by anyone but its source
 * must be dropped.
 */
const config = loadConfig();
const codes = ["it", "es", "fr", "ma"] as const;
const keys = await makeSealedMembers([...codes]);
const verify = createVerifier({ bounds: config.bounds, directory: keys.directory });
let server: TestServer;
let bus: Bus;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

const tracking = (code: (typeof codes)[number]) => createTracking({
  bus, member: code, lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, keyring: keys.keyrings[code]!, config: config.tracking,
  publisher: createPublisher({ js: bus.js, signer: keys.signers[code]!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } }), sent: memorySentLog(),
});

describe("attack - a retract on another channel than its original, by a non-originator", () => {
  it("rebuild - Morocco's crime-channel retract of Italy's border bulletin is not recorded, at a non-recipient nor at the recipient", async () => {
    const italy = tracking("it");
    const original = await italy.client!.publish({ channel: "border", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es"], data: structuredClone(demoScenario.find((m) => m.channel === "border" && m.kind === "bulletin")!.data) });
    const morocco = createPublisher({ js: bus.js, signer: keys.signers.ma!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
    await morocco.publish({ channel: "crime", kind: "retract", tlp: "GREEN", lang: "fr", data: { of: original.id, origin: "ma", reason: "mine now", recipients: ["fr"] } });

    for (const code of ["fr", "es"] as const) {
      const fresh = tracking(code);
      await fresh.rebuild();
      expect(fresh.state.events.get(original.id), code).toMatchObject({ source: "it", recipients: ["es"] });
      expect(fresh.state.retracts.has(original.id), code).toBe(false);
    }
  });

  it("rebuild - France reusing Spain's event id on an earlier-folded channel does not take the event over: Spain's retract of it still holds", async () => {
    // Spain's restricted border bulletin; France, which reads the border stream, publishes its own
    // crime bulletin under the same id (its signature is valid: the id is any UUID it chooses).
    const spain = tracking("es");
    const original = await spain.client!.publish({ channel: "border", kind: "bulletin", tlp: "RED", lang: "es", recipients: ["it"], data: structuredClone(demoScenario.find((m) => m.channel === "border" && m.kind === "bulletin")!.data) });
    const france = createPublisher({ js: bus.js, signer: keys.signers.fr!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
    await france.publish({ id: original.id, channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "fr", data: sampleCrimeBulletin() });
    await france.publish({ channel: "crime", kind: "retract", tlp: "GREEN", lang: "fr", data: { of: original.id, origin: "fr", reason: "mine" } });
    const genuine = await spain.client!.retract(original.id, "sent in error");

    for (const code of ["ma", "it"] as const) {
      const fresh = tracking(code);
      await fresh.rebuild();
      expect(fresh.state.events.get(original.id), code).toMatchObject({ source: "es", recipients: ["it"] });
      expect(fresh.state.retracts.get(original.id), code).toMatchObject({ id: genuine.id, by: "es" });
    }
  });
});
