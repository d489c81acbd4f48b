import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { markedBlocks, runShellExample } from "../helpers/docs.js";
import { startDevServer, type TestServer } from "../helpers/nats.js";

// Documentation that is executed: every example block the README and the runbook mark with
// `<!-- example: PATH -->` is the file PATH, byte for byte, and the tests run those files.

const REPO = join(import.meta.dirname, "../..");
const DOCUMENTS = ["README.md", "docs/operations.md"];

describe("docs - the examples in the documents are the files the tests run", () => {
  it.each(DOCUMENTS)("%s: every marked block equals its file", (doc) => {
    const blocks = markedBlocks(readFileSync(join(REPO, doc), "utf8"));
    expect(blocks.length, `${doc} marks its examples`).toBeGreaterThan(0);
    for (const block of blocks) {
      expect(existsSync(join(REPO, block.path)), block.path).toBe(true);
      expect(block.text, `${doc}: the block marked ${block.path}`).toBe(readFileSync(join(REPO, block.path), "utf8"));
    }
  });

  it("README: the SDK and CLI examples are marked", () => {
    const paths = markedBlocks(readFileSync(join(REPO, "README.md"), "utf8")).map((b) => b.path);
    expect(paths).toEqual(expect.arrayContaining(["examples/sdk/desk.ts", "examples/cli/first-steps.sh", "examples/cli/governance.sh"]));
  });
});

describe("docs - README's first steps, on the development server the README starts (config/nats/dev.conf)", () => {
  let server: TestServer;
  let dir: string;
  beforeAll(async () => {
    server = await startDevServer();
    dir = mkdtempSync(join(tmpdir(), "alliance-readme-"));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("examples/cli/first-steps.sh runs top to bottom: keys, streams, publish, tail, quarantine", async () => {
    const env = { PATH: process.env.PATH, HOME: dir, NATS_URL: server.url, ALLIANCE_HOME: join(dir, "home") };
    const result = await runShellExample(join(REPO, "examples/cli/first-steps.sh"), dir, env);
    expect(result.code, result.stderr).toBe(0);
    const id = /id=([0-9a-f-]{36}) stream=ALLIANCE_CRIME/.exec(result.stdout)?.[1];
    expect(id, result.stdout).toBeDefined();
    // tail printed the bulletin it verified; quarantine found nothing forged.
    expect(result.stdout).toContain("fr");
    expect(result.stdout).toContain("0 quarantined message(s)");
    expect(readFileSync(join(dir, "keys/.gitignore"), "utf8")).toContain("*");
  });
});

describe("docs - README's governance, on the development server the README starts (config/nats/dev.conf)", () => {
  it("examples/cli/governance.sh: an application carried by every active member's vote admits the applicant, and the audit agrees", async () => {
    const script = join(REPO, "examples/cli/governance.sh");
    expect(readFileSync(script, "utf8"), "no placeholder left to fill in").not.toMatch(/<[a-z-]+>/);
    await using server = await startDevServer();
    const dir = mkdtempSync(join(tmpdir(), "alliance-governance-"));
    try {
      const env = { PATH: process.env.PATH, HOME: dir, NATS_URL: server.url, ALLIANCE_HOME: join(dir, "home") };
      const result = await runShellExample(script, dir, env);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const founding = loadConfig().members.map((m) => m.code);
      const n = founding.length;
      // The application was open under the founding rule: unanimity of the active members.
      const application = /^([0-9a-f-]{36})  application +admit jo \(Jordan, key jo:[^)]+\) — open: 0 for, 0 against; (\d+) of (\d+) needed \(unanimity\)$/m.exec(result.stdout);
      expect(application, result.stdout).toBeTruthy();
      expect([application![2], application![3]]).toEqual([String(n), String(n)]);
      // Every founding member voted, once: the receipts name their keys.
      const voters = [...result.stdout.matchAll(/^vote-cast id=[0-9a-f-]{36} seq=\d+ by=([a-z]{2}):/gm)].map((m) => m[1]);
      expect(voters.sort()).toEqual([...founding].sort());
      // The members view: jo admitted and active, beside the founding members.
      expect(result.stdout).toMatch(/^jo  active +admitted  Ministry of Interior \(Jordan\)  keys=jo:/m);
      // The audit's replay applied the decision and found the views identical to it.
      expect(result.stdout).toMatch(/^#\d+ membership-decided from=sec applied: jo admitted$/m);
      expect(result.stdout).toContain(`${n + 1} active member(s); 0 decision(s) owed by the secretariat; views identical to the replay`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
