import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "../services/bus/core/config.js";
import { createLogger } from "../services/bus/core/logger.js";
import { ensureNatsServer } from "../services/natsd/binary.js";
import { measureCrypto, type CryptoReading } from "./crypto.js";
import { openBenchEnv } from "./env.js";
import { measureLatency, type LatencyResult } from "./latency.js";
import { measureRebuild, seedGovernance, type RebuildResult } from "./rebuild.js";
import { renderSummary, type LatencyMedians, type Phase, type Summary, type ThroughputMedians } from "./report.js";
import { medianOf } from "./stats.js";
import { measureThroughput, type ThroughputResult } from "./throughput.js";
import { rawBody } from "./payload.js";
import { handrolledWorkload } from "./handrolled.js";
import { measuredTargets } from "./targets.js";
import { rawWorkload, secureWorkload, SEVEN_ORIGINS, type Workload } from "./workloads.js";
import { measureSealed, renderSealed, type SealedReading } from "./sealed.js";

const DEFAULT_OUT = fileURLToPath(new URL("./results/latest.json", import.meta.url));
/** A smoke run's numbers are not results: they never replace the measured ones. */
const QUICK_OUT = fileURLToPath(new URL("./results/quick.json", import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    messages: { type: "string" },
    "in-flight": { type: "string" },
    rates: { type: "string" },
    "latency-seconds": { type: "string" },
    "rebuild-events": { type: "string" },
    only: { type: "string" },
    out: { type: "string" },
  },
});

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`bench: --${name} must be a positive integer, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

const quick = args.quick;
const settings = Object.freeze({
  quick,
  rounds: positiveInt("rounds", args.rounds, quick ? 1 : 3),
  messages: positiveInt("messages", args.messages, quick ? 400 : 20_000),
  inFlight: positiveInt("in-flight", args["in-flight"], 256),
  rates: (args.rates ?? "500,2000").split(",").map((r) => positiveInt("rates", r, 1)),
  latencySeconds: positiveInt("latency-seconds", args["latency-seconds"], quick ? 1 : 6),
  rebuildEvents: positiveInt("rebuild-events", args["rebuild-events"], quick ? 500 : 100_000),
  only: new Set((args.only ?? "crypto,throughput,latency,rebuild,sealed").split(",")),
  out: resolve(args.out ?? (quick ? QUICK_OUT : DEFAULT_OUT)),
});
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
const timeoutMs = Math.max(120_000, settings.messages * 10);

const loadAverageAtStart = loadavg();
const config = loadConfig();
const log = createLogger({ name: "bench", level: process.env.LOG_LEVEL ?? "warn", pretty: false, destination: 2 });
const natsServer = ensureNatsServer(say);
await using env = await openBenchEnv(config, log, ["fr", "es", "sec", "ae", "bh", "ma", "it", "sn"]);
say(`nats-server ${env.server.url}, ${settings.rounds} round(s), ${settings.messages} messages, ${settings.inFlight} in flight`);

/**
 * Every workload the bench runs, in one list: a new one (another path through the bus) is one
 * more entry. `raw` is the yardstick every ratio is taken against.
 */
const workloads: Workload[] = [
  rawWorkload(env),
  secureWorkload(env),
  secureWorkload(env, { origins: SEVEN_ORIGINS }),
  handrolledWorkload(env, SEVEN_ORIGINS),
];
const throughputRounds: Record<string, ThroughputResult[]> = Object.fromEntries(workloads.map((w) => [w.name, []]));
const latencyWorkloads = workloads.filter((w) => w.latency !== false);
const latencyRounds: Record<number, Record<string, LatencyResult[]>> = Object.fromEntries(settings.rates.map((r) => [r, Object.fromEntries(latencyWorkloads.map((w) => [w.name, []]))]));
const rebuildRounds: RebuildResult[] = [];
const sealedRounds: SealedReading[] = [];

const cryptoReadings: CryptoReading[] = [];
if (settings.only.has("crypto")) {
  say("Ed25519 engines, one bulletin at a time");
  cryptoReadings.push(...(await measureCrypto(quick ? 300 : 5_000)));
}

let seeded = { events: 0, projects: 0 };
if (settings.only.has("rebuild")) {
  say(`seeding the secretariat stream with ${settings.rebuildEvents} signed governance events`);
  seeded = await seedGovernance(env, settings.rebuildEvents, settings.inFlight);
}

for (let round = 1; round <= settings.rounds; round++) {
  // Alternate the order of the workloads, so that drift on the shared machine hits all alike.
  const inOrder = (list: Workload[]) => (round % 2 ? list : [...list].reverse());
  if (settings.only.has("throughput")) {
    for (const workload of inOrder(workloads)) {
      say(`round ${round}: ${workload.name} throughput`);
      throughputRounds[workload.name]!.push(await measureThroughput(env, workload, { messages: settings.messages, inFlight: settings.inFlight, timeoutMs }));
    }
  }
  if (settings.only.has("latency")) {
    for (const rate of settings.rates) {
      for (const workload of inOrder(latencyWorkloads)) {
        say(`round ${round}: ${workload.name} latency at ${rate}/s`);
        latencyRounds[rate]![workload.name]!.push(await measureLatency(env, workload, { rate, messages: rate * settings.latencySeconds, timeoutMs }));
      }
    }
  }
  if (settings.only.has("sealed")) {
    say(`round ${round}: sealed to 1, 3 and 7 recipients beside the plain path (bench/sealed.ts)`);
    sealedRounds.push(await measureSealed(env, { messages: settings.messages, inFlight: settings.inFlight, timeoutMs, cryptoIterations: quick ? 200 : 2_000 }));
  }
  if (settings.only.has("rebuild")) {
    say(`round ${round}: rebuild from ${seeded.events} events`);
    rebuildRounds.push(await measureRebuild(env, seeded));
  }
}

function throughputMedians(rounds: ThroughputResult[]): ThroughputMedians {
  const of = (phase: Phase) => ({
    msgsPerSec: medianOf(rounds, (r) => r[phase].msgsPerSec),
    cpuUsPerMsg: {
      client: medianOf(rounds, (r) => r[phase].cpuUsPerMsg.client),
      server: medianOf(rounds, (r) => r[phase].cpuUsPerMsg.server),
      total: medianOf(rounds, (r) => r[phase].cpuUsPerMsg.total),
      mainThread: medianOf(rounds, (r) => r[phase].cpuUsPerMsg.mainThread),
    },
    clientPeakRssMiB: medianOf(rounds, (r) => r[phase].usage.clientPeakRssMiB),
    serverPeakRssMiB: medianOf(rounds, (r) => r[phase].usage.serverPeakRssMiB),
  });
  return { publish: of("publish"), consume: of("consume"), endToEnd: of("endToEnd") };
}

function latencyMedians(rounds: LatencyResult[]): LatencyMedians {
  return {
    p50Ms: medianOf(rounds, (r) => r.p50Ms),
    p99Ms: medianOf(rounds, (r) => r.p99Ms),
    maxMs: medianOf(rounds, (r) => r.maxMs),
    achievedPerSec: medianOf(rounds, (r) => r.achievedPerSec),
    cpuUsPerMsg: medianOf(rounds, (r) => r.cpuUsPerMsg),
    toStoredP99Ms: medianOf(rounds, (r) => r.toStoredP99Ms),
    storedToHandlerP99Ms: medianOf(rounds, (r) => r.storedToHandlerP99Ms),
  };
}

const throughput = Object.fromEntries(workloads.map((w) => [w.name, throughputMedians(throughputRounds[w.name]!)]));
const phases = ["publish", "consume", "endToEnd"] as const;
/** A ratio of medians within this run: `of`'s phase against `to`'s (same phase unless said). */
const ratio = (of: string, to: string, phase: Phase = "endToEnd") => (throughput[of]?.[phase].msgsPerSec ?? Number.NaN) / (throughput[to]?.[phase].msgsPerSec ?? Number.NaN);
const rebuild = rebuildRounds.length
  ? {
      events: seeded.events,
      raw: medianOf(rebuildRounds, (r) => r.raw.eventsPerSec),
      parse: medianOf(rebuildRounds, (r) => r.parse.eventsPerSec),
      secure: medianOf(rebuildRounds, (r) => r.secure.eventsPerSec),
      audit: medianOf(rebuildRounds, (r) => r.audit.eventsPerSec),
      ratio: medianOf(rebuildRounds, (r) => r.secure.eventsPerSec / r.raw.eventsPerSec),
      auditRatio: medianOf(rebuildRounds, (r) => r.audit.eventsPerSec / r.raw.eventsPerSec),
      cpuUsPerEvent: {
        raw: medianOf(rebuildRounds, (r) => r.raw.cpuUsPerEvent),
        parse: medianOf(rebuildRounds, (r) => r.parse.cpuUsPerEvent),
        secure: medianOf(rebuildRounds, (r) => r.secure.cpuUsPerEvent),
        audit: medianOf(rebuildRounds, (r) => r.audit.cpuUsPerEvent),
      },
    }
  : undefined;
const latency = settings.rates.map((rate) => ({
  rate,
  workloads: Object.fromEntries(latencyWorkloads.map((w) => [w.name, latencyMedians(latencyRounds[rate]![w.name]!)])),
}));
const summary: Summary = {
  crypto: cryptoReadings,
  titles: Object.fromEntries(workloads.map((w) => [w.name, w.title])),
  throughput,
  ratios: Object.fromEntries(workloads.filter((w) => w.name !== "raw").map((w) => [w.name, Object.fromEntries(phases.map((p) => [p, ratio(w.name, "raw", p)])) as Record<Phase, number>])),
  latency,
  ...(rebuild ? { rebuild } : {}),
};
const seven = `secure-${SEVEN_ORIGINS.length}`;
const at = (rate: number, workload: string) => latency.find((l) => l.rate === rate)?.workloads[workload];
const targets = measuredTargets({
  e2eRatioSevenOrigins: ratio(seven, "raw"),
  e2eRatioSingleOrigin: ratio("secure", "raw"),
  at500: at(500, seven),
  at500SingleOrigin: at(500, "secure"),
  at2000: at(2000, seven),
  at2000SingleOrigin: at(2000, "secure"),
  rebuildRatio: rebuild?.ratio ?? Number.NaN,
  auditRatio: rebuild?.auditRatio ?? Number.NaN,
  vsHandrolled: ratio(seven, `handrolled-${SEVEN_ORIGINS.length}`),
});

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadAverageAtStart,
  loadAverageAtEnd: loadavg(),
  node: process.version,
  natsServer: spawnSync(natsServer, ["--version"], { encoding: "utf8" }).stdout.trim(),
};
const result = {
  // The issue's targets first, under stable keys (bench/targets.ts); the detail after.
  ...targets.values,
  generatedAt: new Date().toISOString(),
  machine,
  settings: { ...settings, only: [...settings.only], payloadBytes: rawBody().body.length },
  summary,
  rounds: { throughput: throughputRounds, latency: latencyRounds, rebuild: rebuildRounds, sealed: sealedRounds },
};
mkdirSync(dirname(settings.out), { recursive: true });
writeFileSync(settings.out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${renderSummary(summary, settings.rounds)}\n${sealedRounds.length ? `\n${renderSealed(sealedRounds.at(-1)!)}\n` : ""}\n${targets.table}\n\nwritten to ${settings.out}\n`);
