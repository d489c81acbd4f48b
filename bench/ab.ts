import { parseArgs } from "node:util";
import { loadConfig } from "../services/bus/core/config.js";
import { createLogger } from "../services/bus/core/logger.js";
import { openBenchEnv } from "./env.js";
import { measureThroughput } from "./throughput.js";
import { measureLatency } from "./latency.js";
import { rawWorkload, secureWorkload, SEVEN_ORIGINS, type Workload } from "./workloads.js";

/**
 * `npx tsx bench/ab.ts [--messages N] [--rounds N] [--variants raw,native,backlog] [--origins 1|7]`: the throughput
 * phases of variants of the secure workload, alternated in one process, printing wall rate and CPU
 * per message (main thread, whole process, nats-server): an A/B on a shared machine, judged by CPU.
 * With `--rate R [--seconds S]`: the latency runs at R msg/s instead (p50, p99, the consumer's share).
 */
const { values: args } = parseArgs({ options: { messages: { type: "string", default: "5000" }, rounds: { type: "string", default: "2" }, variants: { type: "string", default: "native,backlog" }, origins: { type: "string", default: "7" }, rate: { type: "string" }, seconds: { type: "string", default: "6" } } });
const config = loadConfig();
const log = createLogger({ name: "bench-ab", level: "warn", pretty: false, destination: 2 });
await using env = await openBenchEnv(config, log, ["es", ...SEVEN_ORIGINS.filter((o) => o !== "es")]);
const origins = args.origins === "1" ? ["fr"] : SEVEN_ORIGINS;
const workloads: Workload[] = args.variants!.split(",").map((v) => (v === "raw" ? rawWorkload(env) : secureWorkload(env, { origins, engine: v as "native" | "backlog" })));
const f = (n: number) => n.toFixed(0).padStart(6);
for (let round = 0; round < Number(args.rounds); round++) {
  for (const w of round % 2 ? [...workloads].reverse() : workloads) {
    if (args.rate) {
      const l = await measureLatency(env, w, { rate: Number(args.rate), messages: Number(args.rate) * Number(args.seconds), timeoutMs: 300_000 });
      process.stdout.write(`${w.name.padEnd(18)} at ${args.rate}/s  p50 ${l.p50Ms.toFixed(2)}  p99 ${l.p99Ms.toFixed(2)}  stored→handler p99 ${l.storedToHandlerP99Ms.toFixed(2)}  achieved ${l.achievedPerSec.toFixed(0)}\n`);
      continue;
    }
    const r = await measureThroughput(env, w, { messages: Number(args.messages), inFlight: 256, timeoutMs: 300_000 });
    for (const phase of ["publish", "consume", "endToEnd"] as const) {
      const p = r[phase];
      process.stdout.write(`${w.name.padEnd(18)} ${phase.padEnd(9)} ${f(p.msgsPerSec)} msg/s  main ${f(p.cpuUsPerMsg.mainThread)}  client ${f(p.cpuUsPerMsg.client)}  server ${f(p.cpuUsPerMsg.server)}  total ${f(p.cpuUsPerMsg.total)} µs/msg\n`);
    }
  }
}
