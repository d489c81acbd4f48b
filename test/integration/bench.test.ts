import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** A rate, a time, a ratio: present, finite and positive. Never compared with a speed. */
function expectSane(value: unknown, what: string): void {
  expect(typeof value, what).toBe("number");
  expect(Number.isFinite(value), `${what} is finite`).toBe(true);
  expect(value as number, what).toBeGreaterThan(0);
}

describe("bench - npm run bench --quick", () => {
  it("bench - the quick run starts its own nats-server, runs every workload and writes sane numbers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "alliance-bench-test-"));
    try {
      const out = join(dir, "latest.json");
      const { stdout } = await run("npx", ["tsx", "bench/run.ts", "--quick", "--out", out], { timeout: 150_000, env: { ...process.env, LOG_LEVEL: "error" } });
      expect(stdout).toContain("x/raw");
      expect(stdout).toContain(out);

      const result = JSON.parse(readFileSync(out, "utf8"));
      // The targets of issue 14, under their stable keys: present and sane, never compared with a goal.
      expect(stdout).toContain("Targets (issue 14)");
      for (const key of ["e2e_ratio_seven_origins", "e2e_ratio_single_origin", "p99_ms_at_500", "p50_ms_at_500", "p99_ms_at_2000", "achieved_at_2000", "rebuild_ratio", "audit_ratio", "vs_handrolled"]) {
        expectSane(result[key], key);
        expect(stdout).toContain(key);
      }
      const { throughput, ratios, latency, rebuild } = result.summary;
      const names = ["raw", "secure", "secure-7", "handrolled-7"];
      for (const phase of ["publish", "consume", "endToEnd"]) {
        for (const workload of names) {
          expectSane(throughput[workload][phase].msgsPerSec, `${workload} ${phase} msg/s`);
          expectSane(throughput[workload][phase].cpuUsPerMsg.total, `${workload} ${phase} CPU per message`);
          expectSane(throughput[workload][phase].clientPeakRssMiB, `${workload} ${phase} peak memory`);
          if (workload !== "raw") expectSane(ratios[workload][phase], `${workload} ${phase} x/raw`);
        }
      }
      expect(latency.length).toBeGreaterThan(0);
      for (const point of latency) {
        for (const workload of ["raw", "secure", "secure-7"]) {
          const l = point.workloads[workload];
          for (const key of ["p50Ms", "p99Ms", "maxMs"]) expectSane(l[key], `${workload} ${key} at ${point.rate}/s`);
          expect(l.p50Ms).toBeLessThanOrEqual(l.p99Ms);
          expect(l.p99Ms).toBeLessThanOrEqual(l.maxMs);
        }
      }
      for (const reading of ["raw", "parse", "secure", "audit", "ratio", "auditRatio"]) expectSane(rebuild[reading], `rebuild ${reading}`);
      expect(result.rounds.throughput.secure).toHaveLength(result.settings.rounds);
      // bench/sealed.ts (v1.1): sealed to 1, 3 and 7 recipients beside the plain path.
      for (const n of [1, 3, 7]) expectSane(result.rounds.sealed[0].sealed[n].endToEnd.msgsPerSec, `sealed to ${n} end-to-end msg/s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it("bench - the A/B of the signature engines (bench/ab.ts, docs/performance.md) runs both engines and prints the main thread's CPU", async () => {
    const { stdout } = await run("npx", ["tsx", "bench/ab.ts", "--messages", "300", "--rounds", "1", "--variants", "native,backlog"], { timeout: 120_000, env: { ...process.env, LOG_LEVEL: "error" } });
    for (const name of ["secure-7-native", "secure-7-backlog"]) {
      for (const phase of ["publish", "consume", "endToEnd"]) expect(stdout).toMatch(new RegExp(`${name} +${phase} +\\d+ msg/s +main +\\d+`));
    }
  }, 150_000);

  it("bench - the stage trace (bench/trace.ts, docs/performance.md) stamps every stage of every message and reports the pauses", async () => {
    const { stdout } = await run("npx", ["tsx", "bench/trace.ts", "--rate", "200", "--seconds", "1", "--rounds", "1"], { timeout: 120_000, env: { ...process.env, LOG_LEVEL: "error" } });
    expect(stdout).toMatch(/round 1: 200 messages at 200\/s, backlog engine: p50 [\d.]+ ms, p99 [\d.]+ ms/);
    // Every stage has a number for the median and the slowest messages: no stage went unstamped.
    for (const stage of ["due→sent", "sent→stored", "stored→verify", "verify", "verify→lookup", "lookup", "lookup→handler"]) expect(stdout).toMatch(new RegExp(`  ${stage} +-?[\\d.]+ +-?[\\d.]+\n`));
    expect(stdout).toMatch(/gc: \d+ pauses/);
  }, 150_000);
});
