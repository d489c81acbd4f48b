import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { memoryProcessedRecord, recordKeyOf, type ProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { HeldFor, type HoldHealth } from "../../services/bus/consume/hold.js";
import { createQuarantineWriter, type QuarantineWriter } from "../../services/bus/consume/quarantine.js";
import { listQuarantine } from "../../services/bus/admin/quarantine-report.js";
import { Header } from "../../services/bus/wire/headers.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { signEvent } from "../../services/bus/wire/sign.js";
import { subscribe, type Rejection, type SubscribeDeps } from "../../services/bus/consume/subscriber.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, testLog, useTestBus } from "../helpers/nats.js";

/**
 * Finding 2 of issue 10: on the last permitted delivery a message must end handled or with its
 * quarantine copy stored, whatever fails meanwhile. `maxDeliver: 1` makes the first delivery the last.
 */
const base = loadConfig();
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, maxDeliver: 1, backoffSeconds: [0.1], ackWaitSeconds: 2 } });
const members = await makeMembers();
const fr = members.signers.fr!;
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });
const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "fr" as const };

const fixture = useTestBus(config);

/** A processed record whose reads (or writes) fail the first `times` calls. */
function failing(record: ProcessedRecord, op: "handledAt" | "add", times: number): ProcessedRecord & { failures: number } {
  const wrapped = {
    failures: 0,
    handledAt: (id: string, legacyId?: string) => record.handledAt(id, legacyId),
    add: (id: string, at?: string) => record.add(id, at),
  };
  const real = wrapped[op] as (...args: never[]) => Promise<unknown>;
  (wrapped as Record<string, unknown>)[op] = async (...args: never[]) => {
    if (wrapped.failures < times) {
      wrapped.failures++;
      throw new Error(`injected ${op} failure ${wrapped.failures}`);
    }
    return real(...args);
  };
  return wrapped;
}

function deps(durable: string, extra: Partial<SubscribeDeps>): SubscribeDeps {
  return {
    js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog,
    consumer: { stream: StreamName.crime, durable, startFrom: "new", settings: config.subscriber },
    processed: async () => memoryProcessedRecord(),
    handler: async () => undefined,
    ...extra,
  };
}

const quarantinedAt = async (seq: number) => (await listQuarantine(fixture.bus.js, fixture.bus.jsm)).filter((e) => e.originalStream === StreamName.crime && e.originalSeq === seq);

describe("quarantine - nothing rejected is lost on the last delivery", () => {
  it("record read - a processed-record lookup that fails on the last delivery is retried until the handler runs", async () => {
    const record = failing(memoryProcessedRecord(), "handledAt", 2);
    const handled: string[] = [];
    await using sub = await subscribe(deps("t-lost-read", { processed: async () => record, handler: async (e) => void handled.push(e.id) }));
    const message = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
    await fixture.bus.js.publish(message.subject, message.body, { msgID: message.id, headers: signed(message) });
    await waitFor("the handler run despite the failed look-ups", () => handled.includes(message.id), 180_000);
    await waitFor("the ack", async () => (await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_ack_pending === 0);
  }, 180_000);

  it("record write - a processed-record write that fails on the last delivery is retried until stored, then acked", async () => {
    const inner = memoryProcessedRecord();
    const record = failing(inner, "add", 2);
    let runs = 0;
    await using sub = await subscribe(deps("t-lost-write", { processed: async () => record, handler: async () => void runs++ }));
    const message = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
    const ack = await fixture.bus.js.publish(message.subject, message.body, { msgID: message.id, headers: signed(message) });
    await waitFor("the record stored despite the failed writes", async () => (await inner.handledAt(recordKeyOf({ source: "fr", id: message.id }))) === `${StreamName.crime}:${ack.seq}`, 180_000);
    await waitFor("the ack", async () => (await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_ack_pending === 0);
    expect(runs).toBe(1);
  }, 180_000);

  it("hostile headers - JetStream control headers on an invalid message do not stop its quarantine copy", async () => {
    const rejected: Rejection[] = [];
    await using _sub = await subscribe(deps("t-lost-headers", { onRejected: (r) => void rejected.push(r) }));
    const last = (await fixture.bus.jsm.streams.info(StreamName.crime)).state.last_seq;
    const h = headers();
    // Accepted on the original (they hold for ALLIANCE_CRIME), refused if copied onto the quarantine publish.
    h.set("Nats-Expected-Stream", StreamName.crime);
    h.set("Nats-Expected-Last-Sequence", String(last));
    h.set("X-Hostile", "yes");
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{\"unsigned\":true}"), { headers: h, msgID: `hostile-${Date.now()}` });
    await waitFor("the copy of the unsigned message in quarantine", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    expect((await quarantinedAt(ack.seq))[0]).toMatchObject({ reason: Reason.Unsigned });
  }, 180_000);

  it("ack timeout - a last delivery that ends without an answer (the subscriber died) still ends in quarantine", async () => {
    const entered: number[] = [];
    const first = await openTestBus(fixture.server.url, config);
    const durable = "t-lost-timeout";
    const message = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
    // The first subscriber's handler never returns: its process is as good as dead.
    await subscribe({ ...deps(durable, {}), js: first.js, jsm: first.jsm, handler: async (_e, ctx) => { entered.push(ctx.deliveryCount); await new Promise<never>(() => {}); } });
    const ack = await fixture.bus.js.publish(message.subject, message.body, { msgID: message.id, headers: signed(message) });
    await waitFor("the first subscriber inside its handler", () => entered.length === 1, 180_000);
    await first.nc.close();

    const rejected: Rejection[] = [];
    await using _second = await subscribe(deps(durable, { onRejected: (r) => void rejected.push(r) }));
    await waitFor("the copy in quarantine after the ack timeout", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    expect(rejected.map((r) => r.reason)).toEqual([Reason.MaxDeliveries]);
  }, 180_000);
});

function signed(message: { id: string; signature: string }) {
  const h = headers();
  h.set(Header.Signature, message.signature);
  return h;
}

/** A quarantine writer whose stores fail the first `times` calls, then write through `real`. */
function flakyWriter(real: QuarantineWriter, times: number): QuarantineWriter & { failures: number } {
  const w = {
    writer: real.writer,
    failures: 0,
    async store(...args: Parameters<QuarantineWriter["store"]>) {
      if (w.failures < times) {
        w.failures++;
        throw new Error(`injected quarantine store failure ${w.failures}`);
      }
      return real.store(...args);
    },
  };
  return w;
}

describe("quarantine - a copy that cannot be stored holds the message", () => {
  it("store fails - the message is held (critical health), its copy retried until stored once, then terminated", async () => {
    const writer = flakyWriter(createQuarantineWriter(fixture.bus.js, { writer: "fr", secret: "test-secret" }), 3);
    const seen: HoldHealth[] = [];
    const rejected: Rejection[] = [];
    await using sub = await subscribe(deps("t-held-store", { quarantine: writer, onHeld: (h) => void seen.push(h), onRejected: (r) => void rejected.push(r) }));
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{}"), { msgID: `unsigned-${Date.now()}` });
    await waitFor("the copy stored after the failures", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    expect(writer.failures).toBe(3);
    expect(seen.some((h) => h.held === 1)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ held: 0, failures: 3 });
    expect(sub.health()).toMatchObject({ held: 0, failures: 3, lastError: { for: HeldFor.QuarantineCopy, seq: ack.seq } });
    await waitFor("the term", async () => (await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_ack_pending === 0);
    expect(rejected.map((r) => r.seq)).toEqual([ack.seq]);
    expect((await quarantinedAt(ack.seq)).map((e) => e.writer)).toEqual(["fr"]);
  }, 180_000);

  it("held past the ack wait - working() keeps the message with its subscriber: no redelivery while it is held", async () => {
    // Five failures hold it about 9 s (hold.ts backoff), over four ack waits of 2 s: without
    // working() the server would redeliver meanwhile.
    const writer = flakyWriter(createQuarantineWriter(fixture.bus.js, { writer: "fr" }), 5);
    const deliveries: number[] = [];
    const counting: QuarantineWriter = { writer: "fr", store: (msg, ...rest) => (deliveries.push(msg.info.deliveryCount), writer.store(msg, ...rest)) };
    await using sub = await subscribe(deps("t-held-working", { quarantine: counting }));
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{}"), { msgID: `unsigned-${Date.now()}` });
    await waitFor("the copy stored", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    expect(new Set(deliveries)).toEqual(new Set([1]));
    expect((await fixture.bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_redelivered).toBe(0);
  }, 90_000);

  it("stop while held - the held message is let go and comes back to the next subscriber, which stores its copy", async () => {
    const never: QuarantineWriter = { writer: "fr", store: async () => { throw new Error("quarantine unreachable"); } };
    const first = await subscribe(deps("t-held-stop", { quarantine: never }));
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{}"), { msgID: `unsigned-${Date.now()}` });
    await waitFor("the message held", () => first.health().held === 1, 180_000);
    await first.stop();
    expect(first.health().held).toBe(0);
    await using _second = await subscribe(deps("t-held-stop", {}));
    await waitFor("the copy stored by the next subscriber", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
  }, 180_000);

  it("hostile headers - a header the encoding would blow up past JetStream's 64 KiB header limit is left out and counted: the copy is still stored", async () => {
    await using sub = await subscribe(deps("t-headers-huge", {}));
    const h = headers();
    h.set("X-First", "kept");
    // 60 KiB: accepted on the original (under 64 KiB of headers), 80 KiB once base64-encoded.
    h.set("X-Huge", "a".repeat(60 * 1024));
    h.set("X-After", "kept");
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{}"), { headers: h, msgID: `huge-${Date.now()}` });
    await waitFor("the copy", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    const entry = (await quarantinedAt(ack.seq))[0]!;
    expect(entry.originalHeaders.map(([name]) => name)).toEqual(["X-First", "X-After", Header.MsgId]);
    const copy = await fixture.bus.jsm.streams.getMessage(StreamName.quarantine, { seq: entry.seq });
    expect(copy!.header.get(Header.OriginalHeadersOmitted)).toBe("1 of 4");
    expect(sub.health().held).toBe(0);
  }, 180_000);

  it("hostile headers - a Nats-Msg-Id near the 64 KiB header limit does not make the copy unstorable", async () => {
    await using sub = await subscribe(deps("t-headers-long-id", {}));
    // 40 KiB of id and 20 KiB of another header: under 64 KiB on the original; on the copy the id
    // (too long for the encoded headers) plus the other header, encoded, would be 67 KiB.
    const h = headers();
    h.set("X-Pad", "p".repeat(20 * 1024));
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("{}"), { headers: h, msgID: `long-${Date.now()}-${"i".repeat(40 * 1024)}` });
    await waitFor("the copy", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    expect(sub.health().held).toBe(0);
  }, 180_000);

  it("hostile headers - the copy carries no Nats-* header of the original; all of them are kept, encoded", async () => {
    await using _sub = await subscribe(deps("t-headers-kept", {}));
    const last = (await fixture.bus.jsm.streams.info(StreamName.crime)).state.last_seq;
    const h = headers();
    h.set("Nats-Expected-Last-Sequence", String(last));
    h.set("Nats-Expected-Stream", StreamName.crime);
    h.append("X-Twice", "one");
    h.append("X-Twice", "two");
    const ack = await fixture.bus.js.publish("alliance.crime.fr.bulletin", new TextEncoder().encode("not json"), { headers: h, msgID: `hostile-${Date.now()}` });
    await waitFor("the copy", async () => (await quarantinedAt(ack.seq)).length === 1, 180_000);
    const entry = (await quarantinedAt(ack.seq))[0]!;
    const copy = await fixture.bus.jsm.streams.getMessage(StreamName.quarantine, { seq: entry.seq });
    const names = [...copy!.header.keys()];
    // Only the writer's own: its msg id, and the stream it expects (the quarantine stream).
    expect(names.filter((n) => n.toLowerCase().startsWith("nats-") && n !== Header.MsgId && n !== "Nats-Expected-Stream")).toEqual([]);
    expect(copy!.header.get("Nats-Expected-Stream")).toBe(StreamName.quarantine);
    expect(entry.originalHeaders).toEqual(expect.arrayContaining([["Nats-Expected-Last-Sequence", [String(last)]], ["Nats-Expected-Stream", [StreamName.crime]], ["X-Twice", ["one", "two"]]]));
  }, 180_000);
});
