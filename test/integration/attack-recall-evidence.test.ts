import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findQuarantineCopies } from "../../services/bus/admin/erase.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { createQuarantineWriter } from "../../services/bus/consume/quarantine.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { streamForChannel } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createRecall, type Recall } from "../../services/tracking/index.js";
import { waitFor } from "../helpers/collect.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (h10): a member must not be able to erase the evidence of its own hostile messages
 * through the operator's recall service. A message's `Nats-Msg-Id` is whatever its publisher
 * writes; a retract must erase the copies of the retracted message, not every copy of anything
 * that once claimed its id.
 */
const config = loadConfig();
const keys = await makeSealedMembers(["fr", "es"]);
const verify = createVerifier({ bounds: config.bounds, directory: keys.directory });
let server: TestServer;
let bus: Bus;
let recall: Recall;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  recall = await createRecall({ bus, verify, log: testLog, pollMs: 100 });
});
afterAll(async () => {
  await recall?.stop();
  await bus?.close();
  await server?.stop();
});

it("recall - a member's retract of its own event does not erase the quarantine evidence of a different hostile message it sent under that event's id", async () => {
  const fr = createPublisher({ js: bus.js, signer: keys.signers.fr!, bounds: config.bounds, log: testLog });
  const own = await fr.publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "fr", data: sampleCrimeBulletin() });

  // France's hostile message on another channel (its own subject, a forged body), carrying the id.
  const h = headers();
  h.set("Nats-Msg-Id", own.id);
  await bus.js.publish("alliance.border.fr.bulletin", new TextEncoder().encode('{"forged":"evidence of france"}'), { headers: h });
  // Spain's subscriber quarantines it as it would any bad message: the real writer, the real copy.
  const consumer = await bus.js.consumers.get(streamForChannel("border"));
  const hostile = (await consumer.next({ expires: 10_000 }))!;
  const es = createQuarantineWriter(bus.js, { writer: "es" });
  await es.store(hostile, Reason.BadSignatureHeader, "no signature", "es-border");
  const evidence = await findQuarantineCopies(bus.js, bus.jsm, { id: own.id });
  expect(evidence).toHaveLength(1);

  // France retracts its own bulletin: valid, so the recall service acts on it.
  await fr.publish({ channel: "crime", kind: "retract", tlp: "GREEN", lang: "fr", data: { of: own.id, origin: "fr", reason: "sent in error" } });
  await waitFor("the recall service erased France's bulletin", () => recall.outcomes.some((o) => o.event === own.id));

  // The copy of the hostile message is still there: it was never a copy of the retracted bulletin.
  expect(await findQuarantineCopies(bus.js, bus.jsm, { id: own.id })).toEqual(evidence);
});
