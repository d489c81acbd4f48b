import { headers } from "@nats-io/transport-node";
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
import { craft, sampleCrimeBulletin, sampleEnvelope } from "../helpers/fixtures.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

/**
 * Red team (h10): v1.1 §1b.2 "an event with recipients is sealed", and §1b.3 a derived event
 * "stays sealed to at most the consented recipients". A member holding the originator's consent
 * signs the derived event itself, in plaintext, with the consented recipients listed: the host and
 * every member can read it from the stream. Subscribers must refuse it as `policy`.
 */
const config = loadConfig();
const codes = ["it", "es", "fr"] as const;
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

it("derived - a plaintext event derived from a RED original, listing only consented recipients, is quarantined as policy", async () => {
  const original = await desks.it.tracking.client!.publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es"], data: sampleCrimeBulletin() });
  await waitFor("Spain reads it", () => desks.es.seen.some((e) => e.id === original.id));
  await desks.it.tracking.client!.consent(original.id, "es", ["fr"]);
  await waitFor("France holds Italy's consent", () => (desks.fr.tracking.state.consents.get(original.id) ?? []).length > 0);

  // Spain signs the derived event itself, not sealed: its plaintext is on the broker's disk.
  const envelope = sampleEnvelope("es", { tlp: "AMBER", lang: "es", recipients: ["fr"], derivedfrom: `it:${original.id}` });
  const msg = await craft(keys.signers.es!, { envelope });
  const h = headers();
  for (const [k, v] of Object.entries(msg.headers)) h.set(k, v);
  const ack = await bus.js.publish(msg.subject, msg.body, { headers: h });

  await waitFor("France decides", () => desks.fr.seen.some((e) => e.id === envelope.id) || desks.fr.rejected.some((r) => r.seq === ack.seq));
  expect(desks.fr.seen.some((e) => e.id === envelope.id)).toBe(false);
  expect(desks.fr.rejected.find((r) => r.seq === ack.seq)?.reason).toBe(Reason.Policy);
});

it("derived - consent does not launder: a derived event that drops the original's restriction is refused, so its recipients cannot pass it on freely", async () => {
  const original = await desks.it.tracking.client!.publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es"], data: sampleCrimeBulletin() });
  await waitFor("Spain reads it", () => desks.es.seen.some((e) => e.id === original.id));
  await desks.it.tracking.client!.consent(original.id, "es", ["fr"]);
  await waitFor("Spain and France hold Italy's consent", () => [desks.es, desks.fr].every((d) => (d.tracking.state.consents.get(original.id) ?? []).length > 0));

  // Spain passes it to France, sealed and to the consented member only, but relabelled AMBER:
  // France could then pass Spain's event on to everyone, no consent needed (AMBER is not controlled).
  const relabelled = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "es" as const, recipients: ["fr"], derivedfrom: `it:${original.id}`, data: sampleCrimeBulletin() };
  await expect(desks.es.tracking.client!.publish(relabelled)).rejects.toMatchObject({ code: "ERR_CONSENT_MISSING" });
  const publisher = createPublisher({ js: bus.js, signer: keys.signers.es!, bounds: config.bounds, log: testLog, sealing: { directory: keys.encryption } });
  const bypass = await publisher.publish(relabelled);
  await waitFor("France decides", () => desks.fr.seen.some((e) => e.id === bypass.id) || desks.fr.rejected.some((r) => r.seq === bypass.seq));
  expect(desks.fr.rejected.find((r) => r.seq === bypass.seq)?.reason).toBe(Reason.Policy);
});
