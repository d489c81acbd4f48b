import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runAlliance } from "../helpers/cli.js";

// `npm start -- --keep-running` as a person runs it (issue 15, findings 5 and 13): the dashboard
// stays OK while the ministries go on publishing, and Ctrl-C — SIGINT to the terminal's whole
// process group — stops everything, the embedded nats-server last, with a message.

const REPO = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "alliance-keep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once `predicate` holds, polling; fails after `ms` (a generous bound, not a timing claim). */
async function until(what: string, predicate: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("demo - kept running", () => {
  it("the dashboard stays OK (no consumer left unread) and Ctrl-C stops it all within a bound, the nats-server last", async () => {
    // Stall thresholds of seconds, not minutes: a consumer nobody reads turns critical in the test's time.
    const base = JSON.parse(readFileSync(join(REPO, "config/alliance.json"), "utf8"));
    const configFile = join(dir, "alliance.json");
    writeFileSync(configFile, JSON.stringify({ ...base, monitor: { ...base.monitor, collectIntervalSeconds: 1, thresholds: { ...base.monitor.thresholds, stalledSeconds: { warn: 2, critical: 4 } } } }));
    const dataDir = join(dir, "data");
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_PRETTY: "false" };
    delete env.LOG_LEVEL;
    delete env.NATS_URL;
    // A process group of its own, as a terminal's foreground job is.
    const child = spawn("npm", ["start", "--silent", "--", "--keep-running", "--data-dir", dataDir, "--config", configFile], { cwd: REPO, env, detached: true });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // "close": npm and the demo under it have both exited and every byte of output is in.
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal })));
    try {
      await until("the demo keeps running", () => stdout.includes("kept running"), 240_000);
      const dashboard = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      const server = /TLS: (nats:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
      // Several stall bounds long: /readyz answers 200 and `alliance status` exits 0 throughout.
      const watchUntil = Date.now() + 15_000;
      let samples = 0;
      while (Date.now() < watchUntil) {
        const ready = await fetch(new URL("readyz", dashboard));
        expect(ready.status, await ready.text()).toBe(200);
        samples++;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(samples).toBeGreaterThan(3);
      const status = await runAlliance(["--config", configFile, "status", "--json"], {
        env: { ...env, NATS_URL: server, NATS_CREDS: join(dataDir, "creds/monitor.nk"), NATS_CA: join(dataDir, "certs/ca.pem") },
      });
      expect(status.code, status.stdout + status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).checks.map((c: { message: string }) => c.message).join("\n")).not.toContain("ae-tail");

      // The terminal's SIGINT goes to the foreground process group: the embedded nats-server is in
      // a group of its own, so it is the demo that stops it, after its services have drained.
      const natsPid = Number(execFileSync("pgrep", ["-f", join(dataDir, "nats/nats-server.conf")], { encoding: "utf8" }).trim().split("\n")[0]);
      const natsGroup = Number(readFileSync(`/proc/${natsPid}/stat`, "utf8").split(") ")[1]!.split(" ")[2]);
      expect(natsGroup).not.toBe(child.pid);
      process.kill(-child.pid!, "SIGINT");
      const end = await Promise.race([closed, new Promise<"hung">((r) => setTimeout(() => r("hung"), 60_000))]);
      expect(end, `${stdout}\n${stderr}`).not.toBe("hung");
      // npm itself dies of the SIGINT, as it does for any script; the demo under it exits 0
      // after its verdict (alliance exits 1, with ERR_DEMO_FAILED, when anything went otherwise).
      const { code, signal } = end as { code: number | null; signal: NodeJS.Signals | null };
      expect(code === 0 || signal === "SIGINT", `code ${code} signal ${signal}\n${stderr}`).toBe(true);
      expect(stdout).toContain("SIGINT: stopping");
      expect(stdout.indexOf("⏹ stopped")).toBeGreaterThan(stdout.indexOf("SIGINT: stopping"));
      expect(stdout.slice(stdout.indexOf("⏹ stopped"))).toContain("PASS");
      // The verdict lists every scene's attacks, each with what became of it.
      const verdict = stdout.slice(stdout.indexOf("──────── verdict"));
      expect(verdict).toMatch(/^attacks on sealed distribution \(v1\.1\):$/m);
      expect(verdict).toContain("✔ the host's administrator reading Italy's RED bulletin from the stream: ciphertext only");
      expect(verdict).toContain("✔ a grep of the broker's store for the sealed bulletin: no plaintext on disk");
      expect(verdict).toContain("✔ the UAE's desk, not a recipient, reading the sealed bulletin: acknowledged unread");
      expect(verdict).toContain("✔ a plaintext RED signed by Italy, sent past its SDK: refused by Spain's desk as policy");
      expect(verdict).toContain("✔ Italy's ciphertext lifted into France's envelope: refused by Spain's desk as undecryptable");
      expect(verdict).toMatch(/^attacks on the originator's control \(v1\.1\):$/m);
      expect(verdict).toContain("✔ Spain passing Italy's RED bulletin to France without Italy's consent: refused by Spain's SDK (ERR_CONSENT_MISSING)");
      expect(stderr).not.toContain("unexpected error");
      expect(stderr).not.toContain("ERR_DEMO_FAILED");
      // The embedded nats-server is gone too: its port refuses connections.
      const gone = await runAlliance(["status"], { env: { ...env, NATS_URL: server } });
      expect(gone.stderr).toContain("ECONNREFUSED");
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // the group is gone already
        }
      }
    }
  }, 360_000);
});
