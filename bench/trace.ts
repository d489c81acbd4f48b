import { randomUUID } from "node:crypto";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Bounds } from "../schemas/config.js";
import { loadConfig } from "../services/bus/core/config.js";
import { createLogger } from "../services/bus/core/logger.js";
import { openProcessedRecord, type ProcessedRecord } from "../services/bus/consume/idempotency.js";
import { subscribe } from "../services/bus/consume/subscriber.js";
import { StreamName } from "../services/bus/wire/subjects.js";
import { createVerifier, type Verifier } from "../services/bus/wire/verify.js";
import { openBenchEnv } from "./env.js";
import { rotatingPublisher, SEVEN_ORIGINS } from "./workloads.js";

/**
 * `npx tsx bench/trace.ts [--rate 500] [--seconds 6] [--rounds 3] [--engine backlog|native] [--origins 1|7]`:
 * where a message's latency goes, stage by stage, for the median message and for the slowest 1 %
 * (docs/performance.md, "Where the tail comes from"). The secure workload at a fixed offered rate,
 * its verifier and processed record wrapped to stamp each stage: due → sent (the publisher's
 * timer), sent → stored (the stream's timestamp), stored → verification starts, verification,
 * → lookup starts, the lookup, → handler. Beside it, the garbage collector's pauses and the
 * stretches in which the event loop did not run a 1 ms timer for over 4 ms.
 */
const { values: args } = parseArgs({
  options: { rate: { type: "string", default: "500" }, seconds: { type: "string", default: "6" }, rounds: { type: "string", default: "3" }, engine: { type: "string", default: "backlog" }, origins: { type: "string", default: "7" } },
});
const rate = Number(args.rate);
const messages = rate * Number(args.seconds);

interface Stamps { due: number; sent: number; stored?: number; verifyStart?: number; verifyEnd?: number; lookupStart?: number; lookupEnd?: number; handled?: number }
const STAGES = ["due→sent", "sent→stored", "stored→verify", "verify", "verify→lookup", "lookup", "lookup→handler"] as const;

const now = () => performance.now();
const stamps = new Map<string, Stamps>();

const pauses: { at: number; ms: number }[] = [];
new PerformanceObserver((list) => list.getEntries().forEach((e) => pauses.push({ at: e.startTime, ms: e.duration }))).observe({ entryTypes: ["gc"] });
const stalls: { at: number; ms: number }[] = [];
let lastTick = now();
setInterval(() => {
  const t = now();
  if (t - lastTick > 4) stalls.push({ at: lastTick, ms: t - lastTick });
  lastTick = t;
}, 1).unref();

/** The verifier, stamping when each verification of a traced event starts and ends. */
function stampedVerifier(verify: Verifier): Verifier {
  return async (incoming) => {
    const start = now();
    const verdict = await verify(incoming);
    const s = verdict.ok ? stamps.get(verdict.event.id) : undefined;
    if (s) Object.assign(s, { verifyStart: start, verifyEnd: now(), stored: incoming.receivedAt.getTime() - performance.timeOrigin });
    return verdict;
  };
}

/** The processed record, stamping each lookup of a traced event (keys end with the event id). */
async function stampedRecord(js: Parameters<typeof openProcessedRecord>[0], name: string, bounds: Bounds): Promise<ProcessedRecord> {
  const record = await openProcessedRecord(js, name, bounds);
  return {
    add: (id, at) => record.add(id, at),
    async handledAt(key, legacy) {
      const start = now();
      const answer = await record.handledAt(key, legacy);
      const s = stamps.get(key.slice(key.lastIndexOf(".") + 1));
      if (s) Object.assign(s, { lookupStart: start, lookupEnd: now() });
      return answer;
    },
  };
}

function durations(s: Required<Stamps>): Record<(typeof STAGES)[number] | "total", number> {
  return {
    total: s.handled - s.due,
    "due→sent": s.sent - s.due,
    "sent→stored": s.stored - s.sent,
    "stored→verify": s.verifyStart - s.stored,
    verify: s.verifyEnd - s.verifyStart,
    "verify→lookup": s.lookupStart - s.verifyEnd,
    lookup: s.lookupEnd - s.lookupStart,
    "lookup→handler": s.handled - s.lookupEnd,
  };
}

const config = loadConfig();
const log = createLogger({ name: "bench-trace", level: "warn", pretty: false, destination: 2 });
await using env = await openBenchEnv(config, log, ["es", ...SEVEN_ORIGINS.filter((o) => o !== "es")]);
const publishOne = rotatingPublisher(env, args.origins === "1" ? ["fr"] : SEVEN_ORIGINS);
const verify = stampedVerifier(createVerifier({ bounds: config.bounds, directory: env.directory, engine: args.engine as "backlog" | "native" }));

for (let round = 1; round <= Number(args.rounds); round++) {
  await env.reset();
  stamps.clear();
  let handled = 0;
  const sub = await subscribe({
    js: env.bus.js, jsm: env.bus.jsm, log, member: "es", verify,
    consumer: { stream: StreamName.crime, durable: `trace-${round}`, startFrom: "new", settings: config.subscriber },
    processed: (name) => stampedRecord(env.bus.js, name, config.bounds),
    handler: async (event) => {
      const s = stamps.get(event.id);
      if (s) s.handled = now();
      handled++;
    },
  });
  const start = now();
  let failure: unknown;
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const owed = Math.min(messages, Math.floor(((now() - start) * rate) / 1000) + 1);
      for (; sent < owed; sent++) {
        const id = randomUUID();
        stamps.set(id, { due: start + (sent * 1000) / rate, sent: now() });
        publishOne(id).catch((err: unknown) => (failure ??= err));
      }
      if (sent >= messages) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const deadline = now() + 120_000;
  while (handled < messages && now() < deadline && !failure) await new Promise((r) => setTimeout(r, 20));
  await sub.stop();
  if (failure) throw failure;
  if (handled < messages) throw new Error(`trace: ${handled} of ${messages} messages handled`);

  const rows = [...stamps.values()].map((s) => durations(s as Required<Stamps>)).sort((a, b) => a.total - b.total);
  const at = (q: number) => rows[Math.floor(q * (rows.length - 1))]!;
  const mean = (set: typeof rows, stage: keyof (typeof rows)[number]) => set.reduce((sum, r) => sum + r[stage], 0) / set.length;
  const middle = rows.slice(Math.floor(rows.length * 0.49), Math.ceil(rows.length * 0.51));
  const worst = rows.slice(-Math.ceil(rows.length / 100));
  const inRun = <T extends { at: number; ms: number }>(list: T[]) => list.filter((x) => x.at >= start);
  const gc = inRun(pauses);
  const stalled = inRun(stalls);
  process.stdout.write(`round ${round}: ${messages} messages at ${rate}/s, ${args.engine} engine: p50 ${at(0.5).total.toFixed(2)} ms, p99 ${at(0.99).total.toFixed(2)} ms, max ${at(1).total.toFixed(2)} ms\n`);
  process.stdout.write(`  ${"stage (ms)".padEnd(16)} ${"median msg".padStart(10)} ${"slowest 1%".padStart(10)}\n`);
  for (const stage of STAGES) process.stdout.write(`  ${stage.padEnd(16)} ${mean(middle, stage).toFixed(2).padStart(10)} ${mean(worst, stage).toFixed(2).padStart(10)}\n`);
  process.stdout.write(`  gc: ${gc.length} pauses, ${gc.reduce((s, x) => s + x.ms, 0).toFixed(0)} ms in all, longest ${Math.max(0, ...gc.map((x) => x.ms)).toFixed(1)} ms; event loop stalled over 4 ms ${stalled.length} times, longest ${Math.max(0, ...stalled.map((x) => x.ms)).toFixed(1)} ms\n`);
  pauses.length = 0;
  stalls.length = 0;
}
