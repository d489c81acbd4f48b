import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { ALLIANCE_BIN, runAlliance, withoutProgress } from "../helpers/cli.js";
import { waitFor } from "../helpers/collect.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, type TestServer } from "../helpers/nats.js";

const run = promisify(execFile);
let server: TestServer;
let bus: Bus;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url);
  dir = mkdtempSync(join(tmpdir(), "alliance-tracking-cli-"));
  env = { ...process.env, NATS_URL: server.url, ALLIANCE_DIRECTORY: join(dir, "keys/directory.json"), LOG_LEVEL: "warn", LOG_PRETTY: "false" };
  await run("node", [ALLIANCE_BIN, "keys", "init", "--out", join(dir, "keys"), "--members", "it,es,ma,fr"], { env });
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The event as the broker stores it: what the host, and every member not listed, can read. */
async function stored(stream: string, seq: number): Promise<{ datacontenttype: string; recipients?: string[] }> {
  const msg = await bus.jsm.streams.getMessage(stream, { seq });
  return JSON.parse(new TextDecoder().decode(msg!.data)) as { datacontenttype: string; recipients?: string[] };
}

const as = (code: string, args: string[], input?: string) => runAlliance([...args, "--key", join(dir, `keys/${code}.jwk`)], { env, ...(input !== undefined ? { input } : {}) });

// Each command is a process of its own (a few seconds each on a busy machine).
describe("cli - requests, receipts, consent, retract", { timeout: 180_000 }, () => {
  it("request, requests, respond: both sides see the request, its due time, and the answer", async () => {
    const sent = await as("es", ["request", "crime", "--to", "ma", "--urgency", "urgent-direct", "--subject", "MV Atlas crew", "--question", "Crew list?", "--json"]);
    expect(withoutProgress(sent.stderr)).toBe("");
    const { id, due, limitSeconds, stream, seq } = JSON.parse(sent.stdout) as { id: string; due: string; limitSeconds: number; stream: string; seq: number };
    expect(limitSeconds).toBe(8 * 3600);
    // Sealed to Morocco: the stream holds no plaintext; Spain keeps its own (mode 0600) to follow it up.
    const body = await stored(stream, seq);
    expect(body).toMatchObject({ datacontenttype: "application/jose+json", recipients: ["ma"] });
    expect(JSON.stringify(body)).not.toContain("Crew list?");
    expect(statSync(join(dir, "keys/es.sent.jsonl")).mode & 0o777).toBe(0o600);
    expect((await as("fr", ["requests", "--json"])).stdout).not.toContain(id);
    const atMa = await as("ma", ["requests", "--json"]);
    expect(JSON.parse(atMa.stdout.trim())).toMatchObject({ id, from: "es", due, pending: ["ma"] });
    const overdue = await as("ma", ["requests", "--overdue", "--now", new Date(Date.parse(due) + 1).toISOString()]);
    expect(overdue.stdout).toContain(`${id} es→ma urgent-direct due ${due} overdue`);
    expect((await as("ma", ["respond", id, "--answer", "14 names attached."])).code).toBe(0);
    const atEs = await as("es", ["requests", "--json"]);
    expect(JSON.parse(atEs.stdout.trim())).toMatchObject({ id, pending: [], answered: [{ member: "ma" }] });
  });

  it("consent and retract by the originator; a retract by anyone else is refused with ERR_POLICY; alliance recall erases it", async () => {
    const recall = spawn("node", [ALLIANCE_BIN, "recall"], { env });
    let recalled = "";
    recall.stdout.on("data", (d) => (recalled += d));
    const file = join(dir, "bulletin.json");
    writeFileSync(file, JSON.stringify(sampleCrimeBulletin()));
    const pub = await runAlliance(["publish", "crime", "bulletin", "--data", file, "--key", join(dir, "keys/it.jwk"), "--recipients", "es,ma", "--json"], { env });
    const { id } = JSON.parse(pub.stdout) as { id: string };
    const consent = await as("it", ["consent", id, "--to", "fr", "--for", "es", "--json"]);
    expect(consent.code).toBe(0);
    const given = JSON.parse(consent.stdout) as { stream: string; seq: number };
    expect(await stored(given.stream, given.seq)).toMatchObject({ datacontenttype: "application/jose+json", recipients: ["es", "fr"] });
    const refused = await as("ma", ["retract", id, "--reason", "not mine"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("ERR_POLICY");
    expect((await as("it", ["retract", id, "--reason", "Sent in error."])).code).toBe(0);
    const receipts = await as("it", ["receipts", id]);
    expect(receipts.stdout).toContain("es (no receipt)");
    expect(receipts.stdout).toMatch(/retracted .*complied none; waiting for es,ma/);
    await waitFor("alliance recall erasing it", () => recalled.includes(id), 180_000);
    expect(JSON.parse(recalled.trim().split("\n").find((l) => l.includes(id))!)).toMatchObject({ event: id, by: "it", erased: true });
    const exited = new Promise<number | null>((resolve) => recall.on("close", resolve));
    recall.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("cli - the originator's sent log is pruned by config tracking.sentLog", { timeout: 180_000 }, () => {
  it("sent log - past maxEntries the oldest go, past the age an entry goes; a rebuild then knows only what is kept", async () => {
    const configFile = join(dir, "sent-pruned.json");
    const base = loadConfig();
    writeFileSync(configFile, JSON.stringify({ ...base, tracking: { ...base.tracking, sentLog: { maxEntries: 3 } } }));
    const sentFile = join(dir, "es-pruned.sent.jsonl");
    // Validated with the config: a limit that is no limit is refused at load, naming the field.
    expect(() => parseConfig({ ...base, tracking: { ...base.tracking, sentLog: { maxEntries: 0 } } })).toThrow(/tracking\.sentLog\.maxEntries/);
    // An entry older than the streams keep anything (default maxAgeDays: bounds.streamMaxAgeDays).
    const ancient = { specversion: "1.0", id: randomUUID(), source: "es", type: "alliance.crime.request.v1", time: new Date(Date.now() - (base.bounds.streamMaxAgeDays + 1) * 86_400_000).toISOString(), datacontenttype: "application/json", tlp: "AMBER", lang: "es", recipients: ["ma"], data: {} };
    writeFileSync(sentFile, `${JSON.stringify(ancient)}\n`, { mode: 0o600 });
    const es = (args: string[]) => runAlliance([...args, "--key", join(dir, "keys/es.jwk"), "--sent", sentFile], { env: { ...env, ALLIANCE_CONFIG: configFile } });
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) {
      const sent = await es(["request", "crime", "--to", "ma", "--urgency", "standard", "--subject", `Pruning ${n}`, "--question", "?", "--json"]);
      expect(sent.code, sent.stderr).toBe(0);
      ids.push((JSON.parse(sent.stdout) as { id: string }).id);
    }
    const kept = () => readFileSync(sentFile, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { id: string }).id);
    // The fourth went past 3: the log was cut back to the newest two (0.9 × 3: not rewritten on every event).
    expect(kept()).toEqual([ids[2], ids[3]]);
    expect(statSync(sentFile).mode & 0o777).toBe(0o600);
    const fifth = await es(["request", "crime", "--to", "ma", "--urgency", "standard", "--subject", "Pruning 5", "--question", "?", "--json"]);
    ids.push((JSON.parse(fifth.stdout) as { id: string }).id);
    expect(kept()).toEqual([ids[2], ids[3], ids[4]]);
    expect(kept()).not.toContain(ancient.id);
    // Spain's own view, rebuilt from the streams: its sealed requests it keeps the plaintext of.
    const mine = (await es(["requests", "--json"])).stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: string; subject: string });
    expect(mine.filter((r) => ids.includes(r.id)).map((r) => r.subject)).toEqual(["Pruning 3", "Pruning 4", "Pruning 5"]);
  });
});
