import type { LatencyMedians } from "./report.js";

/** The measured values the targets of issue 14 are judged on, as the run computed them. */
export interface TargetInputs {
  readonly e2eRatioSevenOrigins: number;
  readonly e2eRatioSingleOrigin: number;
  readonly at500?: LatencyMedians | undefined;
  readonly at500SingleOrigin?: LatencyMedians | undefined;
  readonly at2000?: LatencyMedians | undefined;
  readonly at2000SingleOrigin?: LatencyMedians | undefined;
  readonly rebuildRatio: number;
  readonly auditRatio: number;
  readonly vsHandrolled: number;
}

interface Target {
  readonly key: string;
  readonly what: string;
  readonly value: number;
  /** The target, as text, and whether the value meets it. */
  readonly goal: string;
  readonly met: boolean;
}

/**
 * Each target with its measured value: the stable keys of bench/results/latest.json (top level)
 * and the table the run prints last. Latency targets are judged on the seven-origin workload
 * (the alliance's traffic); the single-origin values are written beside them.
 */
export function measuredTargets(m: TargetInputs): { values: Record<string, number>; table: string } {
  const nan = Number.NaN;
  const achieved2000 = m.at2000?.achievedPerSec ?? nan;
  const targets: Target[] = [
    { key: "e2e_ratio_seven_origins", what: "secure end-to-end / raw, seven origins", value: m.e2eRatioSevenOrigins, goal: ">= 0.35", met: m.e2eRatioSevenOrigins >= 0.35 },
    { key: "e2e_ratio_single_origin", what: "secure end-to-end / raw, one origin", value: m.e2eRatioSingleOrigin, goal: "(reported)", met: true },
    { key: "p50_ms_at_500", what: "p50 publish→handler at 500 msg/s, seven origins (ms)", value: m.at500?.p50Ms ?? nan, goal: "<= 2", met: (m.at500?.p50Ms ?? nan) <= 2 },
    { key: "p99_ms_at_500", what: "p99 publish→handler at 500 msg/s, seven origins (ms)", value: m.at500?.p99Ms ?? nan, goal: "<= 5", met: (m.at500?.p99Ms ?? nan) <= 5 },
    { key: "achieved_at_2000", what: "achieved msg/s at 2,000 offered, seven origins", value: achieved2000, goal: ">= 1980", met: achieved2000 >= 1980 },
    { key: "p99_ms_at_2000", what: "p99 publish→handler at 2,000 msg/s, seven origins (ms)", value: m.at2000?.p99Ms ?? nan, goal: "<= 20", met: (m.at2000?.p99Ms ?? nan) <= 20 },
    { key: "p50_ms_at_500_single_origin", what: "p50 at 500 msg/s, one origin (ms)", value: m.at500SingleOrigin?.p50Ms ?? nan, goal: "(reported)", met: true },
    { key: "p99_ms_at_500_single_origin", what: "p99 at 500 msg/s, one origin (ms)", value: m.at500SingleOrigin?.p99Ms ?? nan, goal: "(reported)", met: true },
    { key: "achieved_at_2000_single_origin", what: "achieved msg/s at 2,000 offered, one origin", value: m.at2000SingleOrigin?.achievedPerSec ?? nan, goal: "(reported)", met: true },
    { key: "p99_ms_at_2000_single_origin", what: "p99 at 2,000 msg/s, one origin (ms)", value: m.at2000SingleOrigin?.p99Ms ?? nan, goal: "(reported)", met: true },
    { key: "rebuild_ratio", what: "secretariat rebuild / raw read", value: m.rebuildRatio, goal: ">= 0.3", met: m.rebuildRatio >= 0.3 },
    { key: "audit_ratio", what: "secretariat audit / raw read", value: m.auditRatio, goal: ">= 0.3", met: m.auditRatio >= 0.3 },
    { key: "vs_handrolled", what: "secure end-to-end / hand-rolled, seven origins", value: m.vsHandrolled, goal: ">= 3", met: m.vsHandrolled >= 3 },
  ];
  const values = Object.fromEntries(targets.map((t) => [t.key, t.value]));
  const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)) : "n/a");
  const rows = [["target", "measured", "goal", "met"], ...targets.map((t) => [`${t.key}: ${t.what}`, fmt(t.value), t.goal, t.goal === "(reported)" ? "" : t.met ? "yes" : "NO"])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")).join("\n");
  return { values, table: `Targets (issue 14), this run\n${table}` };
}
