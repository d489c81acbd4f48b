import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { ErrorCode } from "../../services/bus/core/errors.js";
import { findQuarantineCopies, storedAt } from "../../services/bus/admin/erase.js";
import { readStream } from "../../services/bus/admin/read-stream.js";
import type { Rejection } from "../../services/bus/consume/subscriber.js";
import { createPublisher, type Publisher } from "../../services/bus/publish/publisher.js";
import { Header } from "../../services/bus/wire/headers.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createRecall, createTracking, memorySentLog, TRACKING_BUCKET, type Recall, type SentLog, type Tracking } from "../../services/tracking/index.js";
import { DataContentType } from "../../schemas/protocol.js";
import type { SealedData } from "../../schemas/sealed.js";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import { createMonitor } from "../../services/monitor/service.js";
import { waitFor } from "../helpers/collect.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { makeSealedMembers } from "../helpers/sealed.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

const base = loadConfig();
const config = parseConfig({
  ...base,
  subscriber: { ...base.subscriber, maxDeliver: 3, backoffSeconds: [0.1, 0.2], ackWaitSeconds: 5 },
  // A drill: Senegal's standard requests are due in 30 seconds (the limit in force is signed into each).
  tracking: { limitSeconds: { standard: 30 } },
});
const codes = ["it", "es", "ma", "fr", "sn", "bh"] as const;
type Code = (typeof codes)[number];
// Every member has a signing key and an encryption keyring: whatever is restricted is sealed (§1b.2).
const keys = await makeSealedMembers([...codes, "ae"]);
const sealing = { directory: keys.encryption };
const verify = createVerifier({ bounds: config.bounds, directory: keys.directory });

interface Desk {
  readonly tracking: Tracking;
  readonly publisher: Publisher;
  /** The plaintext of its own sealed events, which only it keeps. */
  readonly sent: SentLog;
  readonly seen: AllianceEvent[];
  readonly rejected: Rejection[];
  readonly retracted: string[];
}

let server: TestServer;
let bus: Bus;
let recall: Recall;
const desks = {} as Record<Code, Desk>;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  // The administrator provisions the views' bucket; members and the monitor only bind to it.
  await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
  recall = await createRecall({ bus, verify, log: testLog, pollMs: 100 });
  for (const code of codes) {
    const publisher = createPublisher({ js: bus.js, signer: keys.signers[code]!, bounds: config.bounds, log: testLog, sealing });
    const sent = memorySentLog();
    const tracking = createTracking({
      bus, member: code, lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, publisher, keyring: keys.keyrings[code]!, sent,
      config: code === "sn" ? config.tracking : { ...config.tracking, limitSeconds: {} },
    });
    const desk: Desk = { tracking, publisher, sent, seen: [], rejected: [], retracted: [] };
    await tracking.start({
      handler: async (event) => void desk.seen.push(event),
      onRetract: async (retract) => void desk.retracted.push(retract.data.of),
      onRejected: (r) => void desk.rejected.push(r),
    });
    desks[code] = desk;
  }
});
afterAll(async () => {
  for (const d of Object.values(desks)) await d.tracking.stop();
  await recall?.stop();
  await bus?.close();
  await server?.stop();
});

const client = (code: Code) => desks[code].tracking.client!;
const seenBy = (code: Code, id: string) => desks[code].seen.some((e) => e.id === id);
const rejectedBy = (code: Code, seq: number, reason: string) => desks[code].rejected.some((r) => r.seq === seq && r.reason === reason);

/** The event as the broker stores it: what the host, and every member not listed, can read. */
async function stored(stream: string, seq: number): Promise<AllianceEvent> {
  const msg = await bus.jsm.streams.getMessage(stream, { seq });
  return JSON.parse(new TextDecoder().decode(msg!.data)) as AllianceEvent;
}

/** Stored sealed to exactly `recipients`, with no trace of `plain` in the stored body. */
async function expectSealed(at: { stream: string; seq: number }, recipients: readonly string[], plain?: string): Promise<AllianceEvent> {
  const event = await stored(at.stream, at.seq);
  expect(event.datacontenttype).toBe(DataContentType.Sealed);
  expect(event.recipients).toEqual(recipients);
  expect((event.data as SealedData).recipients.map((r) => r.header.kid.split(":")[0])).toEqual(recipients);
  if (plain) expect(JSON.stringify(event)).not.toContain(plain);
  return event;
}

describe("tracking - requests with deadlines", () => {
  it("request - Spain's urgent request to Morocco is answered within its time limit, seen the same on both sides", async () => {
    const sent = await client("es").request({ channel: "crime", to: ["ma"], subject: "MV Atlas crew", question: "Crew list of MV Atlas?", urgency: "urgent-direct" });
    expect(sent.limitSeconds).toBe(8 * 3600);
    await waitFor("Morocco reads the request", () => seenBy("ma", sent.id));
    // Sealed to Morocco alone: the stream holds ciphertext, Morocco's handler the plaintext.
    await expectSealed(sent, ["ma"], "MV Atlas crew");
    const request = desks.ma.seen.find((e) => e.id === sent.id)!;
    expect(request.datacontenttype).toBe(DataContentType.Json);
    expect(request.data).toMatchObject({ subject: "MV Atlas crew", to: ["ma"] });
    // Due from the signed time, not from any local clock.
    expect(Date.parse((request.data as { due: string }).due)).toBe(Date.parse(request.time) + 8 * 3600 * 1000);
    expect(sent.due).toBe((request.data as { due: string }).due);
    const answer = await client("ma").respond(sent.id, "Crew list attached: 14 names.");
    await waitFor("Spain reads the response", () => seenBy("es", answer.id));
    await expectSealed(answer, ["es"], "14 names");
    expect(desks.es.seen.find((e) => e.id === answer.id)!.data).toMatchObject({ request: sent.id, answer: "Crew list attached: 14 names." });
    const now = Date.parse(sent.due) - 1000;
    const atEs = desks.es.tracking.views(now).requests.find((r) => r.id === sent.id);
    const atMa = desks.ma.tracking.views(now).requests.find((r) => r.id === sent.id);
    expect(atEs).toMatchObject({ from: "es", to: ["ma"], pending: [], answered: [{ member: "ma", late: false }], level: "ok" });
    expect(atMa).toEqual(atEs);
    // Morocco's subscriber sent the automatic `received` receipt once its handler succeeded.
    await waitFor("the received receipt", () => desks.es.tracking.views(now).receipts.some((v) => v.event === sent.id && v.members.some((m) => m.member === "ma" && m.status === "received")));
    // The receipt about a sealed request is sealed to its originator (§1b.4), and Spain opened it.
    const receiptId = desks.es.tracking.state.receipts.get(sent.id)!.get("ma")![0]!.id;
    const receipt = desks.es.tracking.state.events.get(receiptId)!;
    await expectSealed({ stream: receipt.stream!, seq: receipt.seq! }, ["es"]);
    expect(desks.es.seen.find((e) => e.id === receiptId)!.data).toMatchObject({ of: sent.id, origin: "es", status: "received" });
    // Nobody else read any of it.
    for (const code of ["it", "fr", "sn", "bh"] as const) expect([sent.id, answer.id, receiptId].filter((id) => seenBy(code, id))).toEqual([]);
  });

  it("request - Senegal's request to France goes overdue, the same at both members and in the KV views", async () => {
    const sent = await client("sn").request({ channel: "border", to: ["fr"], subject: "Dakar–Marseille container", question: "Consignee of container MSCU1234565?", urgency: "standard" });
    expect(sent.limitSeconds).toBe(30);
    await waitFor("France reads the request", () => seenBy("fr", sent.id));
    const due = Date.parse(sent.due);
    const at = (now: number) => ({ sn: desks.sn.tracking.views(now).requests.find((r) => r.id === sent.id), fr: desks.fr.tracking.views(now).requests.find((r) => r.id === sent.id) });
    expect(at(due - 20_000).sn?.level).toBe("ok");
    expect(at(due - 5_000).sn?.level).toBe("warn");
    const overdue = at(due + 1);
    expect(overdue.sn).toMatchObject({ level: "overdue", pending: ["fr"] });
    expect(overdue.fr).toEqual(overdue.sn);
    // Not addressed to Italy: not in its view.
    expect(desks.it.tracking.views(due + 1).requests.some((r) => r.id === sent.id)).toBe(false);
    await desks.sn.tracking.publishViews(due + 1);
    const view = await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: 1 });
    const stored = await view.get<{ id: string; level: string }[]>("sn.requests");
    expect(stored?.find((r) => r.id === sent.id)?.level).toBe("overdue");
    // The monitor reads the views and raises the rule for France, with its clock only compared.
    await using monitor = createMonitor({ config, bus, log: testLog, now: () => due + 1 });
    const status = await monitor.sampleNow();
    expect(status.checks.filter((c) => c.rule === "request-overdue" && c.level === "critical").map((c) => c.member)).toContain("fr");
    expect(status.tracking?.requests.find((r) => r.id === sent.id)).toMatchObject({ member: "fr", level: "critical" });
    expect(await monitor.metrics.registry.metrics()).toMatch(/alliance_requests_pending\{member="fr",level="critical"\} [1-9]/);
  });

  it("request - a request whose due is not its signed time plus its limit is quarantined as schema", async () => {
    const time = new Date();
    const receipt = await desks.sn.publisher.send(await forgedRequest(time));
    await waitFor("France quarantines it", () => rejectedBy("fr", receipt.seq, Reason.Schema));
  });
});

async function forgedRequest(time: Date) {
  const { signEvent } = await import("../../services/bus/wire/sign.js");
  const { parseEvent } = await import("../../schemas/registry.js");
  // signEvent refuses it too; build the body by hand, as a hostile or buggy publisher would.
  const envelope = {
    specversion: "1.0", id: crypto.randomUUID(), source: "sn", type: "alliance.border.request.v1", time: time.toISOString(),
    datacontenttype: "application/json", tlp: "AMBER", lang: "fr", recipients: ["fr"],
    data: { subject: "s", question: "q", urgency: "standard", limitSeconds: 30, due: new Date(time.getTime() + 3_600_000).toISOString(), to: ["fr"] },
  };
  expect(parseEvent(envelope).success).toBe(false);
  await expect(signEvent(keys.signers.sn!, { channel: "border", kind: "request", tlp: "AMBER", lang: "fr", recipients: ["fr"], time, data: envelope.data }, config.bounds)).rejects.toMatchObject({ code: ErrorCode.EventInvalid });
  const { signDetachedNative } = await import("../../services/bus/wire/jws.js");
  const body = new TextEncoder().encode(JSON.stringify(envelope));
  return { id: envelope.id, subject: "alliance.border.sn.request", body, signature: signDetachedNative(body, keys.signers.sn!.kid, keys.signers.sn!.key), event: envelope as never };
}

describe("tracking - receipts, retract and recall", () => {
  const marker = `RECALL-MARKER-${Date.now()}`;
  let bulletinId = "";

  it("receipts - Italy's restricted bulletin gets a received receipt from each of its three recipients", async () => {
    const data = { ...(sampleCrimeBulletin() as object), body: `Bulletin sent in error. ${marker}` };
    // Through the tracking client: Italy's own subscribers skip its restricted events (§13.2).
    const sent = await client("it").publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "it", recipients: ["sn", "ma", "es"], data });
    bulletinId = sent.id;
    await waitFor("three received receipts", () => {
      const v = desks.it.tracking.views(Date.now()).receipts.find((r) => r.event === sent.id);
      return v !== undefined && v.missing.length === 0 && v.members.every((m) => m.status === "received");
    });
    // Sealed to its three recipients, who read the plaintext; France, not listed, never does.
    await expectSealed(sent, ["sn", "ma", "es"], marker);
    for (const code of ["sn", "ma", "es"] as const) expect((desks[code].seen.find((e) => e.id === sent.id)!.data as { body: string }).body).toContain(marker);
    expect(seenBy("fr", sent.id)).toBe(false);
    // Each receipt is sealed to Italy alone.
    for (const [member, list] of desks.it.tracking.state.receipts.get(sent.id)!) {
      const receipt = desks.it.tracking.state.events.get(list[0]!.id)!;
      expect(receipt.source).toBe(member);
      await expectSealed({ stream: receipt.stream!, seq: receipt.seq! }, ["it"]);
    }
  });

  it("receipts - a receipt for an event the sender never received is refused by the SDK and quarantined as policy", async () => {
    await expect(client("fr").receipt(bulletinId, "read")).rejects.toMatchObject({ code: ErrorCode.PolicyRefused });
    const forged = await desks.fr.publisher.publish({ channel: "crime", kind: "receipt", tlp: "AMBER", lang: "fr", recipients: ["it"], data: { of: bulletinId, origin: "it", status: "read" } });
    await waitFor("Italy quarantines it", () => rejectedBy("it", forged.seq, Reason.Policy));
    const v = desks.it.tracking.views(Date.now()).receipts.find((r) => r.event === bulletinId)!;
    expect(v.members.map((m) => m.member)).toEqual(["es", "ma", "sn"]);
  });

  it("retract - a retract by a non-originator is quarantined as policy by every subscriber, and erases nothing", async () => {
    await expect(client("ma").retract(bulletinId, "not mine")).rejects.toMatchObject({ code: ErrorCode.PolicyRefused });
    const forged = await desks.ma.publisher.publish({ channel: "crime", kind: "retract", tlp: "AMBER", lang: "fr", data: { of: bulletinId, origin: "it", reason: "not mine" } });
    for (const code of ["it", "sn", "es", "fr"] as const) await waitFor(`${code} quarantines it`, () => rejectedBy(code, forged.seq, Reason.Policy));
    await waitFor("the recall service refuses it", () => recall.refused.some((r) => r.seq === forged.seq));
    expect(desks.sn.retracted).toEqual([]);
    const original = desks.it.tracking.state.events.get(bulletinId)!;
    expect(await storedAt(bus.jsm, original.stream!, original.seq!)).toBe(true);
  });

  it("retract - Italy retracts: each recipient's onRetract runs and answers retracted-applied; the original is erased everywhere", async () => {
    const original = desks.it.tracking.state.events.get(bulletinId)!;
    // A quarantine copy of the original too (a hostile replay under its id lands there as a duplicate).
    await bus.js.publish("alliance.quarantine.duplicate", new TextEncoder().encode(marker), { headers: copyHeaders(bulletinId, original.stream!, original.seq!) });
    expect(await findQuarantineCopies(bus.js, bus.jsm, { id: bulletinId })).toHaveLength(1);

    // The store's files hold the text before the recall (what the grep below must no longer find).
    await waitFor("the text on disk", () => grepStore(server.dir, marker).length > 0);
    // The original is sealed: its plaintext never reached the disk, its ciphertext did.
    const ciphertext = ((await stored(original.stream!, original.seq!)).data as SealedData).ciphertext.slice(0, 64);
    await waitFor("the ciphertext on disk", () => grepStore(server.dir, ciphertext).length > 0);
    await client("it").retract(bulletinId, "Sent in error: wrong recipients.");
    await waitFor("every recipient complied", () => {
      const recall = desks.it.tracking.views(Date.now()).recalls.find((r) => r.event === bulletinId);
      return recall !== undefined && recall.pending.length === 0;
    });
    const view = desks.it.tracking.views(Date.now());
    expect(view.recalls.find((r) => r.event === bulletinId)).toMatchObject({ complied: ["es", "ma", "sn"], pending: [], overdue: false });
    const receipts = view.receipts.find((r) => r.event === bulletinId)!;
    expect(receipts.members.map((m) => [m.member, m.status])).toEqual([["es", "retracted-applied"], ["ma", "retracted-applied"], ["sn", "retracted-applied"]]);
    for (const code of ["sn", "ma", "es"] as const) expect(desks[code].retracted).toEqual([bulletinId]);
    expect(desks.fr.retracted).toEqual([]);

    await waitFor("the recall service erased it", () => recall.outcomes.some((o) => o.event === bulletinId));
    expect(recall.outcomes.find((o) => o.event === bulletinId)).toMatchObject({ erased: true, quarantineCopies: 1 });
    expect(await storedAt(bus.jsm, original.stream!, original.seq!)).toBe(false);
    const ids: string[] = [];
    for await (const msg of readStream(bus.js, bus.jsm, original.stream!)) ids.push(msg.headers?.get("Nats-Msg-Id") ?? "");
    expect(ids).not.toContain(bulletinId);
    expect(await findQuarantineCopies(bus.js, bus.jsm, { id: bulletinId })).toEqual([]);
    // Erase overwrites the bytes: the store's files no longer hold the text.
    expect(grepStore(server.dir, marker)).toEqual([]);
    expect(grepStore(server.dir, ciphertext)).toEqual([]);
  });
});

/** Headers like a subscriber's quarantine copy: the original's id and position. */
function copyHeaders(id: string, stream: string, seq: number) {
  const h = headers();
  h.set(Header.OriginalMsgId, id);
  h.set(Header.OriginalStream, stream);
  h.set(Header.OriginalSeq, String(seq));
  h.set(Header.QuarantineReason, Reason.Duplicate);
  return h;
}

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

describe("tracking - originator control of onward sharing", () => {
  let redId = "";

  it("consent - Spain may not pass Italy's RED bulletin to France without Italy's consent: the SDK refuses, subscribers quarantine", async () => {
    const red = await client("it").publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es", "sn"], data: sampleCrimeBulletin() });
    redId = red.id;
    await waitFor("Spain reads it", () => seenBy("es", red.id));
    await expectSealed(red, ["es", "sn"]);
    const derived = { channel: "crime" as const, kind: "bulletin", tlp: "RED" as const, lang: "es" as const, recipients: ["fr"], derivedfrom: `it:${red.id}`, data: sampleCrimeBulletin() };
    await expect(client("es").publish(derived)).rejects.toMatchObject({ code: ErrorCode.ConsentMissing });
    const bypass = await desks.es.publisher.publish(derived);
    // France opens it (it is sealed to France) and refuses it on what the plaintext claims.
    await waitFor("France quarantines it", () => rejectedBy("fr", bypass.seq, Reason.Policy));
    await expectSealed(bypass, ["fr"]);
    expect(seenBy("fr", bypass.id)).toBe(false);
  });

  it("consent - a consent signed by anyone but the originator is quarantined and counts for nothing", async () => {
    const forged = await desks.es.publisher.publish({ channel: "crime", kind: "receipt", tlp: "RED", lang: "es", recipients: ["es", "fr"], data: { of: redId, origin: "it", status: "consented", grantee: "es", to: ["fr"] } });
    await waitFor("France quarantines the forged consent", () => rejectedBy("fr", forged.seq, Reason.Policy));
    await expect(client("es").publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "es", recipients: ["fr"], derivedfrom: `it:${redId}`, data: sampleCrimeBulletin() })).rejects.toMatchObject({ code: ErrorCode.ConsentMissing });
  });

  it("consent - with Italy's consent naming France, Spain passes it on; a derived event naming more recipients is refused", async () => {
    const ask = await client("es").request({ channel: "crime", to: ["it"], subject: "Consent to share", question: `May we pass ${redId} to France?`, urgency: "urgent" });
    await waitFor("Italy reads the ask", () => seenBy("it", ask.id));
    const consent = await client("it").consent(redId, "es", ["fr"]);
    await waitFor("Spain and France hold the consent", () => seenBy("es", consent.id) && seenBy("fr", consent.id));
    // Sealed to the grantee and the new recipients, who read it; Morocco, a recipient of the original, does not.
    await expectSealed(consent, ["es", "fr"]);
    expect(desks.fr.seen.find((e) => e.id === consent.id)!.data).toMatchObject({ of: redId, origin: "it", status: "consented", grantee: "es", to: ["fr"] });
    expect(seenBy("ma", consent.id)).toBe(false);
    const derived = { channel: "crime" as const, kind: "bulletin", tlp: "RED" as const, lang: "es" as const, derivedfrom: `it:${redId}`, data: sampleCrimeBulletin() };
    const ok = await client("es").publish({ ...derived, recipients: ["fr"] });
    await waitFor("France reads the derived bulletin", () => seenBy("fr", ok.id));
    await expectSealed(ok, ["fr"]);
    await expect(client("es").publish({ ...derived, recipients: ["fr", "bh"] })).rejects.toMatchObject({ code: ErrorCode.ConsentMissing });
    const wider = await desks.es.publisher.publish({ ...derived, recipients: ["fr", "bh"] });
    await waitFor("France and Bahrain quarantine it", () => rejectedBy("fr", wider.seq, Reason.Policy) && rejectedBy("bh", wider.seq, Reason.Policy));
    expect(desks.fr.rejected.find((r) => r.seq === wider.seq)!.detail).toMatch(/fewer recipients/);
  });
});

describe("tracking - folded from the streams", () => {
  it("rebuild - a member's state rebuilt from the streams gives the views its live subscription built", async () => {
    for (const code of ["it", "es", "fr"] as const) {
      // With its keyring (what was sealed to it) and its own record of what it sealed to others.
      const rebuilt = createTracking({ bus, member: code, lang: "fr", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, config: config.tracking, keyring: keys.keyrings[code]!, sent: desks[code].sent });
      await rebuilt.rebuild();
      const now = Date.now();
      const live = desks[code].tracking.views(now);
      const again = rebuilt.views(now);
      expect(again.requests).toEqual(live.requests);
      // The erased original is gone from the streams: a rebuild knows it only from its retract.
      expect(again.recalls).toEqual(live.recalls);
      expect(again.receipts.map((r) => r.event)).toEqual(live.receipts.filter((r) => !r.retract).map((r) => r.event));
    }
  });

  it("receipts - with autoReceipts off, the subscriber sends none", async () => {
    const publisher = createPublisher({ js: bus.js, signer: keys.signers.ae!, bounds: config.bounds, log: testLog, sealing });
    const quiet = createTracking({ bus, member: "ae", lang: "ar", verify, log: testLog, subscriber: config.subscriber, bounds: config.bounds, publisher, keyring: keys.keyrings.ae!, config: { ...config.tracking, autoReceipts: false } });
    const seen: string[] = [];
    const [, crime] = await quiet.start({ handler: async (e) => void seen.push(e.id), durable: "ae-quiet" }).then((subs) => [subs, subs[0]!] as const);
    try {
      const sent = await client("it").publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "it", recipients: ["ae", "fr"], data: sampleCrimeBulletin() });
      await waitFor("both read it", () => seen.includes(sent.id) && seenBy("fr", sent.id));
      // Acked: whatever the wrapper sends after the handler has been sent.
      await waitFor("the UAE's subscriber done", async () => {
        const info = await bus.jsm.consumers.info(StreamName.crime, crime.consumerName);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      });
      // Italy has read everything up to an unrestricted bulletin published after that.
      const after = await desks.es.publisher.publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "es", data: sampleCrimeBulletin() });
      await waitFor("Italy past it", () => seenBy("it", after.id));
      const view = desks.it.tracking.views(Date.now()).receipts.find((r) => r.event === sent.id)!;
      expect(view.members.find((m) => m.member === "fr")?.status).toBe("received");
      expect(view.missing).toEqual(["ae"]);
    } finally {
      await quiet.stop();
    }
  });
});
