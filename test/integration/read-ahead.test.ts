import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { memoryProcessedRecord, type ProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { signEvent } from "../../services/bus/wire/sign.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { subscribe, type Rejection } from "../../services/bus/consume/subscriber.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { testLog, useTestBus } from "../helpers/nats.js";

const base = loadConfig();
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, ackWaitSeconds: 1, backoffSeconds: [0.2] } });
const members = await makeMembers(["fr", "es"]);
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });
const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "fr" as const };

const fixture = useTestBus(config);

describe("subscriber read-ahead - verification runs ahead, the handler does not", () => {
  it("read-ahead - with concurrency 1, two publishers' messages reach the handler one at a time, each publisher's in its order", async () => {
    const seen: { source: string; id: string }[] = [];
    let inHandler = 0;
    let overlapped = false;
    await using _sub = await subscribe({
      js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, concurrency: 1,
      consumer: { stream: StreamName.crime, durable: "ra-order", startFrom: "all", settings: config.subscriber },
      processed: async () => memoryProcessedRecord(),
      handler: async (event) => {
        if (++inHandler > 1) overlapped = true;
        await sleep(Math.random() < 0.1 ? 3 : 0);
        seen.push({ source: event.source, id: event.id });
        inHandler--;
      },
    });
    const sent: Record<string, string[]> = { fr: [], es: [] };
    for (const origin of ["fr", "es"] as const) {
      const publisher = createPublisher({ js: fixture.bus.js, signer: members.signers[origin]!, bounds: config.bounds, log: testLog });
      // Each publisher sends in order (a publisher awaits its acks); the two interleave.
      void (async () => {
        for (let i = 0; i < 150; i++) sent[origin]!.push((await publisher.publish({ ...bulletin, data: sampleCrimeBulletin() })).id);
      })();
    }
    await waitFor("300 handled messages", () => seen.length === 300, 180_000);
    expect(overlapped).toBe(false);
    for (const origin of ["fr", "es"]) expect(seen.filter((e) => e.source === origin).map((e) => e.id)).toEqual(sent[origin]);
  });

  it.each(["origin", "none"] as const)("read-ahead - a replay stored at a new position and read in the same window as the original is handled once (ordering %s)", async (ordering) => {
    // Both copies are in the stream before the consumer starts, so both are looked up before either
    // is recorded: only the in-process window can tell the second one is a duplicate.
    await provisionStreams(fixture.bus.jsm, { ...config.bounds, duplicateWindowSeconds: 2 }, testLog);
    try {
      const fr = members.signers.fr!;
      const message = await signEvent(fr, { ...bulletin, data: sampleCrimeBulletin() }, config.bounds);
      const publisher = createPublisher({ js: fixture.bus.js, signer: fr, bounds: config.bounds, log: testLog });
      const first = await publisher.send(message);
      await sleep(2_500);
      const second = await publisher.send(message);
      expect(second.seq).toBeGreaterThan(first.seq);

      const runs: number[] = [];
      const rejected: Rejection[] = [];
      await using _sub = await subscribe({
        js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, onRejected: (r) => void rejected.push(r), ordering,
        // With no ordering the two copies could run at once: only "one handler per id at a time" stops it.
        consumer: { stream: StreamName.crime, durable: `ra-replay-${ordering}`, startFrom: "all", settings: config.subscriber, filterSubject: message.subject },
        processed: async () => memoryProcessedRecord(),
        handler: async (_event, ctx) => {
          if (ctx.seq === first.seq || ctx.seq === second.seq) runs.push(ctx.seq);
          // The original's handler takes a while: the replay is read and looked up meanwhile.
          if (ctx.seq === first.seq) await sleep(200);
        },
      });
      await waitFor("the replay in quarantine", () => rejected.some((r) => r.seq === second.seq), 180_000);
      expect(runs).toEqual([first.seq]);
      expect(rejected.find((r) => r.seq === second.seq)?.reason).toBe(Reason.Duplicate);
    } finally {
      await provisionStreams(fixture.bus.jsm, config.bounds, testLog);
    }
  });

  it("read-ahead - a message redelivered while its record is still being written is acked once stored, never handled again", async () => {
    const memory = memoryProcessedRecord();
    const writes: string[] = [];
    // A record store slower than the ack wait (1 s): the server redelivers before the ack can go.
    const slow: ProcessedRecord = {
      handledAt: (id, legacyId) => memory.handledAt(id, legacyId),
      add: async (id, at) => {
        writes.push(id);
        await sleep(1_600);
        await memory.add(id, at);
      },
    };
    let runs = 0;
    await using sub = await subscribe({
      js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog,
      consumer: { stream: StreamName.border, durable: "ra-slow-record", startFrom: "new", settings: config.subscriber },
      processed: async () => slow,
      handler: async () => void runs++,
    });
    const border = (await import("../../services/demo/scenario.js")).demoScenario.find((m) => m.channel === "border" && m.kind === "bulletin")!;
    const publisher = createPublisher({ js: fixture.bus.js, signer: members.signers.fr!, bounds: config.bounds, log: testLog });
    await publisher.publish({ channel: "border", kind: "bulletin", tlp: "GREEN", lang: "fr", data: border.data });
    await waitFor("a redelivery", async () => (await fixture.bus.jsm.consumers.info(StreamName.border, sub.consumerName)).num_redelivered > 0, 180_000);
    await waitFor("the ack", async () => (await fixture.bus.jsm.consumers.info(StreamName.border, sub.consumerName)).num_ack_pending === 0, 180_000);
    expect(runs).toBe(1);
    expect(writes.length).toBe(1);
  });
});
