import type { CryptoReading } from "./crypto.js";
import type { LatencyResult } from "./latency.js";
import type { RebuildResult } from "./rebuild.js";
import type { ThroughputResult } from "./throughput.js";

/** Medians over the rounds: what the table prints and docs/performance.md quotes. */
export interface Summary {
  readonly crypto: readonly CryptoReading[];
  readonly throughput: Record<"raw" | "secure", ThroughputMedians> & { readonly ratio: Record<keyof ThroughputResult, number> };
  readonly latency: readonly { readonly rate: number; readonly raw: LatencyMedians; readonly secure: LatencyMedians }[];
  readonly rebuild?: {
    readonly events: number;
    readonly raw: number;
    readonly parse: number;
    readonly secure: number;
    readonly ratio: number;
    readonly cpuUsPerEvent: { readonly raw: number; readonly parse: number; readonly secure: number };
  };
}

export type ThroughputMedians = Record<keyof ThroughputResult, {
  readonly msgsPerSec: number;
  readonly cpuUsPerMsg: { readonly client: number; readonly server: number; readonly total: number };
  readonly clientPeakRssMiB: number;
  readonly serverPeakRssMiB: number;
}>;

export type LatencyMedians = Pick<LatencyResult, "p50Ms" | "p99Ms" | "maxMs" | "achievedPerSec" | "cpuUsPerMsg">;

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")).join("\n");
}

export function renderSummary(summary: Summary, rounds: number): string {
  const out: string[] = [];
  const phases = ["publish", "consume", "endToEnd"] as const;
  const label = { publish: "publish", consume: "consume", endToEnd: "end-to-end" };
  out.push(`Throughput (median of ${rounds} round${rounds === 1 ? "" : "s"})`);
  out.push(table([
    ["phase", "raw msg/s", "secure msg/s", "secure/raw", "raw CPU µs/msg", "secure CPU µs/msg", "raw peak MiB", "secure peak MiB"],
    ...phases.map((p) => {
      const raw = summary.throughput.raw[p];
      const secure = summary.throughput.secure[p];
      return [label[p], fmt(raw.msgsPerSec), fmt(secure.msgsPerSec), fmt(summary.throughput.ratio[p], 2),
        `${fmt(raw.cpuUsPerMsg.total)} (${fmt(raw.cpuUsPerMsg.client)}+${fmt(raw.cpuUsPerMsg.server)})`,
        `${fmt(secure.cpuUsPerMsg.total)} (${fmt(secure.cpuUsPerMsg.client)}+${fmt(secure.cpuUsPerMsg.server)})`,
        `${fmt(raw.clientPeakRssMiB)}+${fmt(raw.serverPeakRssMiB)}`, `${fmt(secure.clientPeakRssMiB)}+${fmt(secure.serverPeakRssMiB)}`];
    }),
  ]));
  out.push("CPU µs/msg is bench process + nats-server; peak MiB is bench process + nats-server RSS.");
  out.push("");
  out.push("End-to-end latency, publish due → handler (ms)");
  out.push(table([
    ["offered msg/s", "raw p50", "raw p99", "raw max", "secure p50", "secure p99", "secure max", "secure achieved msg/s"],
    ...summary.latency.map((l) => [String(l.rate), fmt(l.raw.p50Ms, 1), fmt(l.raw.p99Ms, 1), fmt(l.raw.maxMs, 1),
      fmt(l.secure.p50Ms, 1), fmt(l.secure.p99Ms, 1), fmt(l.secure.maxMs, 1), fmt(l.secure.achievedPerSec)]),
  ]));
  if (summary.crypto.length) {
    out.push("");
    out.push("Ed25519 on this machine, one ~1 KiB bulletin at a time (one reading, not a median)");
    out.push(table([
      ["operation", "ops/s", "main thread µs/op", "CPU µs/op"],
      ...summary.crypto.map((c) => [c.name, fmt(c.opsPerSec), fmt(c.mainThreadUsPerOp, 1), fmt(c.cpuUsPerOp, 1)]),
    ]));
  }
  if (summary.rebuild) {
    const r = summary.rebuild;
    out.push("");
    out.push(`Rebuild of the secretariat's views from ${r.events} governance events (services/secretariat rebuildFromStream)`);
    out.push(table([
      ["reading", "events/s", "CPU µs/event"],
      ["raw read", fmt(r.raw), fmt(r.cpuUsPerEvent.raw, 1)],
      ["read + JSON.parse", fmt(r.parse), fmt(r.cpuUsPerEvent.parse, 1)],
      ["secretariat rebuild (verify + validate + fold)", fmt(r.secure), fmt(r.cpuUsPerEvent.secure, 1)],
      ["secure/raw", fmt(r.ratio, 2), ""],
    ]));
  }
  return out.join("\n");
}
