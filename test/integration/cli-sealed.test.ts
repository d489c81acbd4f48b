import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { runAlliance } from "../helpers/cli.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, type TestServer } from "../helpers/nats.js";

/** The documented v1.1 commands: publish sealed, tail decrypting, rotate-enc, prune (docs/protocol.md §11). */
let server: TestServer;
let bus: Bus;
let dir: string;
let env: NodeJS.ProcessEnv;
const keys = (file: string) => join(dir, "keys", file);

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url);
  dir = mkdtempSync(join(tmpdir(), "alliance-cli-sealed-"));
  env = { ...process.env, NATS_URL: server.url, ALLIANCE_DIRECTORY: keys("directory.json"), LOG_LEVEL: "warn", LOG_PRETTY: "false" };
  const init = await runAlliance(["keys", "init", "--out", join(dir, "keys"), "--members", "it,es,ma,sn,ae"], { env });
  if (init.code !== 0) throw new Error(init.stderr);
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const alliance = (args: string[], input?: string) => runAlliance(args, { env, ...(input !== undefined ? { input } : {}) });
const tailAs = async (code: string) => {
  const run = await alliance(["tail", "crime", "--json", "--from-start", "--idle-exit", "2", "--enc-key", keys(`${code}.enc.jwk`)]);
  expect(run.code).toBe(0);
  return run.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
};

describe("cli - sealed distribution", () => {
  it("cli sealed - publish --recipients --tlp RED; each recipient's tail decrypts it, another member's tail never shows it", { timeout: 120_000 }, async () => {
    const secret = `CLI-SEALED-${randomUUID()}`;
    const data = JSON.stringify({ ...(sampleCrimeBulletin() as object), title: secret });
    const published = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", keys("it.jwk"), "--tlp", "RED", "--recipients", "sn,ma,es", "--handling", "H2", "--evaluation", "B2", "--json"], data);
    expect(published.stderr).not.toContain("ERR_");
    const { id } = JSON.parse(published.stdout);

    for (const code of ["sn", "ma", "es"]) {
      const [line] = (await tailAs(code)).filter((l) => l.event.id === id);
      expect(line.event).toMatchObject({ tlp: "RED", handling: "H2", evaluation: "B2", data: { title: secret } });
      expect(line.sealed.kid).toMatch(new RegExp(`^${code}:enc-`));
    }
    const uae = await tailAs("ae");
    expect(uae.map((l) => l.event.id)).not.toContain(id);
    expect(JSON.stringify(uae)).not.toContain(secret);

    const plainRed = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", keys("it.jwk"), "--tlp", "RED"], data);
    expect(plainRed.code).not.toBe(0);
    expect(plainRed.stderr).toContain("ERR_POLICY");
  });

  it("cli sealed - rotate-enc publishes the next key and keeps the old one; prune keeps what the streams still need", { timeout: 120_000 }, async () => {
    const before = JSON.parse(readFileSync(keys("es.enc.jwk"), "utf8")).keys.map((k: { kid: string }) => k.kid);
    const rotated = await alliance(["keys", "rotate-enc", "--key", keys("es.jwk"), "--enc-key", keys("es.enc.jwk")]);
    expect(rotated.stderr).not.toContain("ERR_");
    const after = JSON.parse(readFileSync(keys("es.enc.jwk"), "utf8")).keys.map((k: { kid: string }) => k.kid);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    expect(statSync(keys("es.enc.jwk")).mode & 0o777).toBe(0o600);

    const data = JSON.stringify(sampleCrimeBulletin());
    const published = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", keys("it.jwk"), "--tlp", "AMBER+STRICT", "--recipients", "es", "--json"], data);
    const { id } = JSON.parse(published.stdout);
    const [line] = (await tailAs("es")).filter((l) => l.event.id === id);
    expect(line.sealed.kid).toBe(after.at(-1));

    // The first test's message is still sealed to es's old key: prune keeps it.
    const prune = await alliance(["keys", "prune", "--enc-key", keys("es.enc.jwk")]);
    expect(prune.code).toBe(0);
    expect(prune.stdout).not.toContain("destroyed");
    const status = await alliance(["keys", "enc-status"]);
    expect(status.stdout).toContain(`es\t${after.at(-1)}`);
  });
});
