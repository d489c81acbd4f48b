import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { AllianceError, ErrorCode } from "../../services/bus/core/errors.js";
import { Header } from "../../services/bus/wire/headers.js";
import { memoryProcessedRecord, openProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { listQuarantine } from "../../services/bus/admin/quarantine-report.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { signEvent } from "../../services/bus/wire/sign.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { subscribe, type Handler, type Rejection } from "../../services/bus/consume/subscriber.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, useTestBus } from "../helpers/nats.js";

const base = loadConfig();
// Quick retries, so that the poison-message case runs in a second or two.
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, maxDeliver: 3, backoffSeconds: [0.1, 0.2], ackWaitSeconds: 2 } });
const members = await makeMembers();
const fr = members.signers.fr!;
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });
const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "fr" as const };

const fixture = useTestBus(config);

function collector() {
  const accepted: AllianceEvent[] = [];
  const rejected: Rejection[] = [];
  return { accepted, rejected, handler: (async (event) => void accepted.push(event)) as Handler, onRejected: (r: Rejection) => void rejected.push(r) };
}

describe("bus - streams", () => {
  it("streams - provisioning twice changes nothing, and a changed bound updates the stream", async () => {
    const again = await provisionStreams(fixture.bus.jsm, config.bounds, testLog);
    expect(again.map((o) => o.action)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged", "unchanged"]);
    const longer = { ...config.bounds, duplicateWindowSeconds: config.bounds.duplicateWindowSeconds + 60 };
    const updated = await provisionStreams(fixture.bus.jsm, longer, testLog);
    expect(updated.filter((o) => o.action === "updated")).toHaveLength(5);
    expect(updated[0]!.info.config.duplicate_window).toBe(longer.duplicateWindowSeconds * 1e9);
    await provisionStreams(fixture.bus.jsm, config.bounds, testLog);
  });
});

describe("bus - publish and subscribe", () => {
  it("publish - a signed bulletin is stored once and handled once, then acked", async () => {
    const c = collector();
    await using sub = await subscribe({
      js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, handler: c.handler, onRejected: c.onRejected,
      consumer: { stream: StreamName.crime, durable: "t-basic", startFrom: "new", settings: config.subscriber },
      processed: (name) => openProcessedRecord(fixture.bus.js, name, config.bounds),
    });
    const receipt = await createPublisher({ js: fixture.bus.js, signer: fr, bounds: config.bounds, log: testLog }).publish({ ...bulletin, data: sampleCrimeBulletin() });
    expect(receipt).toMatchObject({ stream: StreamName.crime, subject: "alliance.crime.fr.bulletin", attempts: 1 });
    await waitFor("the bulletin", () => c.accepted.length === 1);
    expect(c.accepted[0]!.id).toBe(receipt.id);
    await waitFor("the ack", async () => (await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_ack_pending === 0);
    expect(c.rejected).toEqual([]);
  });

  it("publish - invalid data is refused before it reaches the wire", async () => {
    const publisher = createPublisher({ js: fixture.bus.js, signer: fr, bounds: config.bounds, log: testLog });
    await expect(publisher.publish({ ...bulletin, data: { title: "only a title" } })).rejects.toMatchObject({ code: ErrorCode.EventInvalid });
  });

  it("publish - a duplicate acknowledgement on the first attempt is an error: another publisher holds the id", async () => {
    const publisher = createPublisher({ js: fixture.bus.js, signer: fr, bounds: config.bounds, log: testLog });
    const message = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
    await publisher.send(message);
    const second = publisher.send(message);
    await expect(second).rejects.toBeInstanceOf(AllianceError);
    await expect(second).rejects.toMatchObject({ code: ErrorCode.PublishDuplicate });
  });
});

describe("bus - rejected messages are quarantined, never lost", () => {
  it("quarantine - a forged message is copied byte for byte with its headers and reason, then terminated", async () => {
    const c = collector();
    await using sub = await subscribe({
      js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, handler: c.handler, onRejected: c.onRejected,
      consumer: { stream: StreamName.crime, durable: "t-forged", startFrom: "new", settings: config.subscriber },
      processed: async () => memoryProcessedRecord(),
    });
    const real = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
    const tampered = Uint8Array.from(real.body);
    tampered[50] = tampered[50]! ^ 0x20;
    const h = headers();
    h.set(Header.MsgId, real.id);
    h.set(Header.Signature, real.signature);
    h.set("X-Extra", "kept");
    const ack = await fixture.bus.js.publish(real.subject, tampered, { headers: h, msgID: real.id });
    await waitFor("the rejection", () => c.rejected.length === 1);
    expect(c.rejected[0]).toMatchObject({ reason: Reason.BadSignature, seq: ack.seq });
    expect(c.accepted).toEqual([]);

    const stored = (await listQuarantine(fixture.bus.js, fixture.bus.jsm, Reason.BadSignature)).find((e) => e.originalSeq === ack.seq)!;
    expect(stored).toMatchObject({ reason: "bad-signature", originalSubject: real.subject, originalStream: StreamName.crime, claimedOrigin: "fr", consumer: sub.consumerName });
    const copy = await fixture.bus.jsm.streams.getMessage(StreamName.quarantine, { seq: stored.seq });
    expect(Buffer.from(copy!.data).equals(Buffer.from(tampered))).toBe(true);
    // The original headers travel encoded in one header JetStream does not act on (docs/protocol.md §7).
    expect(copy!.header.get(Header.Signature)).toBe("");
    expect(stored.originalHeaders).toEqual(expect.arrayContaining([[Header.Signature, [real.signature]], ["X-Extra", ["kept"]], [Header.MsgId, [real.id]]]));
    expect(copy!.header.get(Header.OriginalMsgId)).toBe(real.id);
    await waitFor("the term", async () => (await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_ack_pending === 0);
    // Terminated means never delivered again: wait past the ack wait and look.
    await new Promise((r) => setTimeout(r, config.subscriber.ackWaitSeconds * 1000 + 500));
    expect(c.rejected).toHaveLength(1);
    expect((await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_redelivered).toBe(0);
  });

  it("poison - a handler that always fails gets exactly max-deliver attempts, then quarantine, and the consumer goes on", async () => {
    const attempts: number[] = [];
    const c = collector();
    const publisher = createPublisher({ js: fixture.bus.js, signer: fr, bounds: config.bounds, log: testLog });
    const poison = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
    await using sub = await subscribe({
      js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, onRejected: c.onRejected,
      consumer: { stream: StreamName.crime, durable: "t-poison", startFrom: "new", settings: config.subscriber },
      processed: (name) => openProcessedRecord(fixture.bus.js, name, config.bounds),
      handler: async (event, ctx) => {
        if (event.id === poison.id) {
          attempts.push(ctx.deliveryCount);
          throw new Error("downstream refuses this one");
        }
        c.accepted.push(event);
      },
    });
    await publisher.send(poison);
    const after = await publisher.publish({ ...bulletin, data: sampleCrimeBulletin() });
    await waitFor("the poison message in quarantine", () => c.rejected.length === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(c.rejected[0]).toMatchObject({ reason: Reason.MaxDeliveries });
    await waitFor("the next message", () => c.accepted.some((e) => e.id === after.id));
    expect(sub.consumerName).toBe("t-poison");
  });

  it("duplicate - a message re-sent after the duplicate window is stored twice but handled once", async () => {
    // A stream with a 2 s duplicate window stands in for the production one of 10 minutes.
    const shortWindow = { ...config.bounds, duplicateWindowSeconds: 2, skewSeconds: 1 };
    await provisionStreams(fixture.bus.jsm, shortWindow, testLog);
    try {
      const c = collector();
      let runs = 0;
      await using _sub = await subscribe({
        js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, onRejected: c.onRejected,
        consumer: { stream: StreamName.crime, durable: "t-dup", startFrom: "new", settings: config.subscriber },
        processed: (name) => openProcessedRecord(fixture.bus.js, name, config.bounds),
        handler: async () => void runs++,
      });
      const publisher = createPublisher({ js: fixture.bus.js, signer: fr, bounds: config.bounds, log: testLog });
      const message = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
      const first = await publisher.send(message);
      await waitFor("the first handling", () => runs === 1);
      await new Promise((r) => setTimeout(r, 2_500));
      const second = await publisher.send(message);
      expect(second.seq).not.toBe(first.seq);
      await waitFor("the second copy in quarantine", () => c.rejected.length === 1);
      expect(c.rejected[0]).toMatchObject({ reason: Reason.Duplicate, seq: second.seq });
      expect(runs).toBe(1);
    } finally {
      await provisionStreams(fixture.bus.jsm, config.bounds, testLog);
    }
  });
});

describe("bus - restarts", () => {
  it("restart - a durable consumer resumes after the server restarts, without losing or repeating a message", async () => {
    const local = await startTestServer();
    try {
      const lbus = await openTestBus(local.url, config);
      const c = collector();
      const sub = await subscribe({
        js: lbus.js, jsm: lbus.jsm, verify, log: testLog, handler: c.handler, onRejected: c.onRejected,
        consumer: { stream: StreamName.border, durable: "t-restart", startFrom: "new", settings: config.subscriber },
        processed: (name) => openProcessedRecord(lbus.js, name, config.bounds),
      });
      const publisher = createPublisher({ js: lbus.js, signer: fr, bounds: config.bounds, log: testLog, deadlineMs: 30_000 });
      const border = (await import("../../services/demo/scenario.js")).demoScenario.find((m) => m.channel === "border" && m.kind === "bulletin")!;
      const send = () => publisher.publish({ channel: "border", kind: "bulletin", tlp: "GREEN", lang: "fr", data: border.data });
      const before = await send();
      await waitFor("the first message", () => c.accepted.length === 1);

      await local.server.stop();
      const { startNatsServer } = await import("../../services/natsd/server.js");
      const restarted = await startNatsServer({ dir: local.dir, port: local.server.port, httpPort: local.server.httpPort });
      const after = await send();
      await waitFor("the message published after the restart", () => c.accepted.some((e) => e.id === after.id), 180_000);
      expect(c.accepted.map((e) => e.id)).toEqual([before.id, after.id]);
      await sub.stop();
      await lbus.close();
      await restarted.stop();
    } finally {
      await local.stop();
    }
  });
});
