import type { CryptoReading } from "./crypto.js";
import type { LatencyResult } from "./latency.js";
import type { ThroughputResult } from "./throughput.js";

export type Phase = keyof ThroughputResult;

/** Medians over the rounds: what the tables print and docs/performance.md quotes. */
export interface Summary {
  readonly crypto: readonly CryptoReading[];
  /** Each workload's name and what the tables call it, in the order they ran. */
  readonly titles: Readonly<Record<string, string>>;
  readonly throughput: Readonly<Record<string, ThroughputMedians>>;
  /** Each workload's msg/s against raw's, per phase, this run. */
  readonly ratios: Readonly<Record<string, Record<Phase, number>>>;
  readonly latency: readonly { readonly rate: number; readonly workloads: Readonly<Record<string, LatencyMedians>> }[];
  readonly rebuild?: {
    readonly events: number;
    readonly raw: number;
    readonly parse: number;
    readonly secure: number;
    readonly audit: number;
    readonly ratio: number;
    readonly auditRatio: number;
    readonly cpuUsPerEvent: { readonly raw: number; readonly parse: number; readonly secure: number; readonly audit: number };
  };
}

export type ThroughputMedians = Record<Phase, {
  readonly msgsPerSec: number;
  readonly cpuUsPerMsg: { readonly client: number; readonly server: number; readonly total: number; readonly mainThread: number };
  readonly clientPeakRssMiB: number;
  readonly serverPeakRssMiB: number;
}>;

export type LatencyMedians = Pick<LatencyResult, "p50Ms" | "p99Ms" | "maxMs" | "achievedPerSec" | "cpuUsPerMsg" | "toStoredP99Ms" | "storedToHandlerP99Ms">;

const fmt = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")).join("\n");
}

export function renderSummary(summary: Summary, rounds: number): string {
  const out: string[] = [];
  const phases: Phase[] = ["publish", "consume", "endToEnd"];
  const label: Record<Phase, string> = { publish: "publish", consume: "consume", endToEnd: "end-to-end" };
  out.push(`Throughput (median of ${rounds} round${rounds === 1 ? "" : "s"}); x/raw is the ratio to raw JetStream in this run`);
  const rows = [["workload", "phase", "msg/s", "x/raw", "CPU µs/msg (bench+server)", "main thread µs/msg", "peak MiB (bench+server)"]];
  for (const [name, title] of Object.entries(summary.titles)) {
    const t = summary.throughput[name];
    if (!t) continue;
    for (const p of phases) {
      const m = t[p];
      rows.push([title, label[p], fmt(m.msgsPerSec), name === "raw" ? "1" : fmt(summary.ratios[name]?.[p] ?? Number.NaN, 2),
        `${fmt(m.cpuUsPerMsg.total)} (${fmt(m.cpuUsPerMsg.client)}+${fmt(m.cpuUsPerMsg.server)})`, fmt(m.cpuUsPerMsg.mainThread), `${fmt(m.clientPeakRssMiB)}+${fmt(m.serverPeakRssMiB)}`]);
    }
  }
  out.push(table(rows));
  out.push("");
  out.push("End-to-end latency, publish due → handler (ms)");
  const lrows = [["offered msg/s", "workload", "p50", "p99", "max", "p99 due→stored", "p99 stored→handler", "achieved msg/s", "CPU µs/msg"]];
  for (const l of summary.latency) {
    for (const [name, m] of Object.entries(l.workloads)) {
      lrows.push([String(l.rate), summary.titles[name] ?? name, fmt(m.p50Ms, 1), fmt(m.p99Ms, 1), fmt(m.maxMs, 1), fmt(m.toStoredP99Ms, 1), fmt(m.storedToHandlerP99Ms, 1), fmt(m.achievedPerSec), fmt(m.cpuUsPerMsg)]);
    }
  }
  out.push(table(lrows));
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
      ["reading", "events/s", "CPU µs/event", "x/raw"],
      ["raw read", fmt(r.raw), fmt(r.cpuUsPerEvent.raw, 1), "1"],
      ["read + JSON.parse", fmt(r.parse), fmt(r.cpuUsPerEvent.parse, 1), fmt(r.parse / r.raw, 2)],
      ["secretariat rebuild (verify + validate + fold)", fmt(r.secure), fmt(r.cpuUsPerEvent.secure, 1), fmt(r.ratio, 2)],
      ["secretariat audit (rebuild + a report line per event)", fmt(r.audit), fmt(r.cpuUsPerEvent.audit, 1), fmt(r.auditRatio, 2)],
    ]));
  }
  return out.join("\n");
}
