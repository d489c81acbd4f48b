import { writeFileSync, mkdirSync } from "node:fs";
import { Session, type Profiler } from "node:inspector/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { loadConfig } from "../services/bus/core/config.js";
import { createLogger } from "../services/bus/core/logger.js";
import { openBenchEnv } from "./env.js";
import { HandledCounter, publishAll, rawWorkload, secureWorkload, SEVEN_ORIGINS, type Workload } from "./workloads.js";

/**
 * `npx tsx bench/profile.ts [--workload raw|secure] [--record kv|memory] [--origins 1|7] [--messages N]`: the throughput phases of one workload under the V8 CPU profiler, in
 * this process (the publisher and the consumer; nats-server is measured by the bench, not here).
 * Prints where the self time goes, by module and by function, and writes .cpuprofile files that
 * Chrome DevTools opens.
 */
const { values: args } = parseArgs({
  options: { messages: { type: "string", default: "20000" }, workload: { type: "string", default: "secure" }, record: { type: "string", default: "kv" }, origins: { type: "string", default: "1" } },
});
const messages = Number(args.messages);
const outDir = join(dirname(fileURLToPath(import.meta.url)), "results");

const config = loadConfig();
const log = createLogger({ name: "bench-profile", level: "warn", pretty: false, destination: 2 });
await using env = await openBenchEnv(config, log, ["es", ...SEVEN_ORIGINS.filter((o) => o !== "es")]);
const origins = args.origins === "7" ? SEVEN_ORIGINS : ["fr"];
const workload: Workload = args.workload === "raw" ? rawWorkload(env) : secureWorkload(env, { record: args.record === "memory" ? "memory" : "kv", origins });
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 200 });

async function profiled(name: string, work: () => Promise<void>): Promise<void> {
  await session.post("Profiler.start");
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  const { profile } = await session.post("Profiler.stop");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${workload.name}-${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  process.stdout.write(`\n== ${workload.name} ${name}: ${messages} messages in ${wallMs.toFixed(0)} ms (${((messages / wallMs) * 1000).toFixed(0)} msg/s); ${file}\n`);
  process.stdout.write(summarise(profile, messages));
}

/** Where a sampled function lives, coarsely: a package, one of our folders, or V8/Node itself. */
function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/work\/[^/]+\/(services\/[^/]+\/[^/]+|schemas|bench)/.exec(url) ?? /\/((?:services\/[^/]+\/[^/]+)|schemas|bench)\//.exec(url);
  if (ours) return ours[1]!.replace(/\.ts$/, "");
  if (url.startsWith("node:")) return url;
  return url.split("/").slice(-2).join("/");
}

function summarise(profile: Profiler.Profile, count: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
  const totalSamples = profile.samples?.length ?? 0;
  const usPerSample = (profile.endTime - profile.startTime) / Math.max(1, totalSamples);
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, n] of hits) {
    const { callFrame } = byId.get(id)!;
    const mod = moduleOf(callFrame.url, callFrame.functionName);
    byModule.set(mod, (byModule.get(mod) ?? 0) + n);
    const fn = `${callFrame.functionName || "(anonymous)"} ${mod}:${callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const rows = (map: Map<string, number>, top: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, top)
      .map(([name, n]) => `  ${((n / totalSamples) * 100).toFixed(1).padStart(5)}%  ${((n * usPerSample) / count).toFixed(1).padStart(6)} µs/msg  ${name}`).join("\n");
  return `self time by module:\n${rows(byModule, 14)}\nself time by function:\n${rows(byFunction, 18)}\n`;
}

await env.reset();
await profiled("publish", () => publishAll(workload, messages, 256));
await profiled("consume", async () => {
  const counter = new HandledCounter();
  const reader = await workload.startConsumer(`profile-${workload.name}`, "all", counter.onHandled);
  await counter.until(messages, 300_000, "profiled consume");
  await reader.stop();
});
session.disconnect();
