import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GOVERNANCE_CHANNEL } from "../../schemas/protocol.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { memoryProcessedRecord, openProcessedRecord, type ProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { createPublisher, type Publisher } from "../../services/bus/publish/publisher.js";
import { subscribe, type Handler, type Subscription } from "../../services/bus/consume/subscriber.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";

const base = loadConfig();
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, ackWaitSeconds: 1, backoffSeconds: [0.2] } });
const members = await makeMembers(["fr", "es", "ma", "sec"]);
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });
const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "fr" as const };

let server: TestServer;
let bus: Bus;
let publishers: Record<string, Publisher>;
beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  publishers = Object.fromEntries(Object.entries(members.signers).map(([code, signer]) => [code, createPublisher({ js: bus.js, signer, bounds: config.bounds, log: testLog })]));
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

/** Each origin sends `count` bulletins in its own order (awaiting each ack); the origins interleave. Returns the ids per origin. */
async function sendFrom(origins: readonly string[], count: number): Promise<Record<string, string[]>> {
  const sent: Record<string, string[]> = Object.fromEntries(origins.map((o) => [o, []]));
  await Promise.all(origins.map(async (origin) => {
    for (let i = 0; i < count; i++) sent[origin]!.push((await publishers[origin]!.publish({ ...bulletin, data: sampleCrimeBulletin() })).id);
  }));
  return sent;
}

function crimeSubscriber(durable: string, handler: Handler, extra: { processed?: ProcessedRecord; concurrency?: number; startFrom?: "all" | "new" } = {}): Promise<Subscription> {
  const record = extra.processed ?? memoryProcessedRecord();
  return subscribe({
    js: bus.js, jsm: bus.jsm, verify, log: testLog, handler,
    consumer: { stream: StreamName.crime, durable, startFrom: extra.startFrom ?? "new", settings: config.subscriber },
    processed: async () => record,
    ...(extra.concurrency ? { concurrency: extra.concurrency } : {}),
  });
}

describe("subscriber concurrency - in order per origin, origins at once", () => {
  it("concurrency - with handlers of random await lengths, each origin's messages are handled in its order, one at a time", async () => {
    const seen: { source: string; id: string }[] = [];
    const inside = new Set<string>();
    let sameOriginOverlap = false;
    await using _sub = await crimeSubscriber("cc-order", async (event) => {
      if (inside.has(event.source)) sameOriginOverlap = true;
      inside.add(event.source);
      await sleep(Math.floor(Math.random() * 4));
      seen.push({ source: event.source, id: event.id });
      inside.delete(event.source);
    });
    const sent = await sendFrom(["fr", "es", "ma"], 80);
    await waitFor("240 handled messages", () => seen.length === 240, 180_000);
    expect(sameOriginOverlap).toBe(false);
    for (const origin of ["fr", "es", "ma"]) expect(seen.filter((e) => e.source === origin).map((e) => e.id)).toEqual(sent[origin]);
  });

  it("concurrency - different origins overlap: fr's handler waits on a promise only es's handler resolves", async () => {
    let esArrived!: () => void;
    const esHandled = new Promise<void>((resolve) => (esArrived = resolve));
    const done: string[] = [];
    await using _sub = await crimeSubscriber("cc-overlap", async (event) => {
      // Without concurrency across origins this waits forever: es's message is behind it.
      if (event.source === "fr") await esHandled;
      if (event.source === "es") esArrived();
      done.push(event.source);
    });
    await sendFrom(["fr"], 1);
    await sendFrom(["es"], 1);
    await waitFor("both handled", () => done.length === 2, 180_000);
    expect(done).toEqual(["es", "fr"]);
  });

  it("concurrency - a record is stored before the next handler of its origin starts, and different origins' records are written together", async () => {
    const memory = memoryProcessedRecord();
    const log: string[] = [];
    let esWriting!: () => void;
    const esWriteStarted = new Promise<void>((resolve) => (esWriting = resolve));
    let firstFrWrite = true;
    const record: ProcessedRecord = {
      handledAt: (id, legacyId) => memory.handledAt(id, legacyId),
      add: async (key, at) => {
        // A record's key is the event's origin and id (recordKeyOf).
        const id = key.slice(key.indexOf(".") + 1);
        const source = sources.get(id);
        // fr's first record is held until es's record write has started: the two are in flight together.
        if (source === "fr" && firstFrWrite) {
          firstFrWrite = false;
          await esWriteStarted;
        }
        if (source === "es") esWriting();
        await sleep(Math.floor(Math.random() * 3));
        await memory.add(key, at);
        log.push(`stored ${id}`);
      },
    };
    const sources = new Map<string, string>();
    let handled = 0;
    await using _sub = await crimeSubscriber("cc-record", async (event) => {
      sources.set(event.id, event.source);
      log.push(`start ${event.id}`);
      await sleep(Math.floor(Math.random() * 3));
      handled++;
    }, { processed: record });
    const sent = await sendFrom(["fr", "es"], 30);
    await waitFor("60 records stored", () => handled === 60 && log.filter((l) => l.startsWith("stored")).length === 60, 180_000);
    for (const ids of Object.values(sent)) {
      for (let i = 0; i + 1 < ids.length; i++) {
        expect(log.indexOf(`stored ${ids[i]}`), `record of ${i} before handler of ${i + 1}`).toBeLessThan(log.indexOf(`start ${ids[i + 1]}`));
      }
    }
  });

  it("concurrency - concurrency 1 handles one message at a time across origins", async () => {
    let inside = 0;
    let overlapped = false;
    let handled = 0;
    await using _sub = await crimeSubscriber("cc-one", async () => {
      if (++inside > 1) overlapped = true;
      await sleep(Math.random() < 0.2 ? 2 : 0);
      inside--;
      handled++;
    }, { concurrency: 1 });
    await sendFrom(["fr", "es", "ma"], 30);
    await waitFor("90 handled", () => handled === 90, 180_000);
    expect(overlapped).toBe(false);
  });

  it("concurrency - the governance stream stays strictly sequential in stream order, whatever the concurrency", async () => {
    const seen: number[] = [];
    let inside = 0;
    let overlapped = false;
    await using _sub = await subscribe({
      js: bus.js, jsm: bus.jsm, verify, log: testLog, concurrency: 16, ordering: "none",
      consumer: { stream: StreamName.secretariat, durable: "cc-governance", startFrom: "new", settings: config.subscriber },
      processed: async () => memoryProcessedRecord(),
      handler: async (_event, ctx) => {
        if (++inside > 1) overlapped = true;
        await sleep(Math.floor(Math.random() * 3));
        seen.push(ctx.seq);
        inside--;
      },
    });
    const project = randomUUID();
    const sends: Promise<unknown>[] = [publishers.sec!.publish({ channel: GOVERNANCE_CHANNEL, kind: "project-proposed", tlp: "GREEN", lang: "en", id: project, data: {
      title: "Joint course on container risk profiling", area: "border", description: "Five days for port police and customs analysts.", deadline: "2099-12-31T00:00:00Z",
    } })];
    for (const member of ["fr", "es", "ma"]) {
      for (let i = 0; i < 10; i++) sends.push(publishers[member]!.publish({ channel: GOVERNANCE_CHANNEL, kind: "project-registered", tlp: "GREEN", lang: "en", data: { project, contribution: `Analyst ${i} (${member})`, contactPoint: { unit: `Liaison office ${member}` } } }));
    }
    await Promise.all(sends);
    await waitFor("31 governance events handled", () => seen.length === 31, 180_000);
    expect(overlapped).toBe(false);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });
});

describe("subscriber keep-alive - held messages keep their ack deadline", () => {
  it("keep-alive - two subscribers on one durable with handlers slower than the ack wait: each id is handled once, none redelivered", async () => {
    const runs = new Map<string, number>();
    const handler: Handler = async (event) => {
      runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
      // Some handlers alone outlast the 1 s ack wait; the rest queue behind them for longer still.
      await sleep(runs.size % 7 === 0 ? 1_500 : 150);
    };
    const durable = "cc-two-processes";
    const record = (name: string) => openProcessedRecord(bus.js, name, config.bounds);
    await using _a = await crimeSubscriber(durable, handler, { processed: await record(durable) });
    await using _b = await crimeSubscriber(durable, handler, { processed: await record(durable) });
    const sent = await sendFrom(["fr", "es", "ma"], 12);
    const ids = Object.values(sent).flat();
    await waitFor("every id handled", () => ids.every((id) => runs.has(id)), 90_000);
    await waitFor("nothing pending", async () => (await bus.jsm.consumers.info(StreamName.crime, durable)).num_ack_pending === 0, 180_000);
    const info = await bus.jsm.consumers.info(StreamName.crime, durable);
    expect(info.num_redelivered).toBe(0);
    expect(ids.filter((id) => runs.get(id) !== 1)).toEqual([]);
  }, 120_000);
});
