import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALLIANCE_BIN, runAlliance } from "../helpers/cli.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { startTestServer, type TestServer } from "../helpers/nats.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

// The integrator's first hour (issue 15): each step as the README gives it, and what goes wrong.

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");

let bare: TestServer; // JetStream on, no streams: the README's example before `alliance streams`
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  bare = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), "alliance-first-hour-"));
  env = { ...process.env, NATS_URL: bare.url, ALLIANCE_HOME: join(dir, "home"), ALLIANCE_DIRECTORY: join(dir, "keys/directory.json"), LOG_PRETTY: "false" };
  delete env.LOG_LEVEL;
  const init = await alliance(["keys", "init", "--out", join(dir, "keys"), "--members", "fr,es,ma"]);
  expect(init.code).toBe(0);
});
afterAll(async () => {
  await bare?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `alliance`; a variable set to undefined in `extraEnv` is removed. */
function alliance(args: string[], input?: string, extraEnv: Record<string, string | undefined> = {}) {
  const merged: NodeJS.ProcessEnv = { ...env, ...extraEnv };
  for (const [k, v] of Object.entries(extraEnv)) if (v === undefined) delete merged[k];
  return runAlliance(args, { env: merged, ...(input !== undefined ? { input } : {}) });
}

/** `alliance streams`, as the README's example now says, once the no-stream case has been seen. */
let streamsProvisioned = false;
async function provisioned(): Promise<void> {
  if (streamsProvisioned) return;
  expect((await alliance(["streams"])).code).toBe(0);
  streamsProvisioned = true;
}

describe("first hour - keys are never destroyed, never committed", () => {
  it("keys init - refuses to overwrite existing keys (ERR_KEY_EXISTS, exit 2) and keeps them byte for byte; --force replaces them", async () => {
    const before = readFileSync(join(dir, "keys/fr.jwk"), "utf8");
    const directory = readFileSync(join(dir, "keys/directory.json"), "utf8");
    const again = await alliance(["keys", "init", "--out", join(dir, "keys"), "--members", "fr"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("ERR_KEY_EXISTS");
    expect(again.stderr).toContain("--force");
    expect(readFileSync(join(dir, "keys/fr.jwk"), "utf8")).toBe(before);
    expect(readFileSync(join(dir, "keys/directory.json"), "utf8")).toBe(directory);

    const forced = await alliance(["keys", "init", "--out", join(dir, "forced"), "--members", "fr"]);
    expect(forced.code).toBe(0);
    const first = readFileSync(join(dir, "forced/fr.jwk"), "utf8");
    const replaced = await alliance(["keys", "init", "--out", join(dir, "forced"), "--members", "fr", "--force"]);
    expect(replaced.code).toBe(0);
    expect(readFileSync(join(dir, "forced/fr.jwk"), "utf8")).not.toBe(first);
  });

  it("keys init - the key folder it makes is git-ignored wherever it is, and the README's keys/ is ignored in the repo", async () => {
    expect(readFileSync(join(dir, "keys/.gitignore"), "utf8")).toMatch(/^\*$/m);
    // A checkout: the README's `alliance keys init --out keys` run at the repo root.
    const ignored = await run("git", ["check-ignore", "--no-index", "keys/fr.jwk", "keys/directory.json", "somewhere/else/fr.jwk", "creds/fr.nk"], { cwd: REPO });
    expect(ignored.stdout.trim().split("\n")).toEqual(["keys/fr.jwk", "keys/directory.json", "somewhere/else/fr.jwk", "creds/fr.nk"]);
    // And in a fresh repository of the integrator's own, the folder's .gitignore alone does it.
    const project = join(dir, "project");
    await run("git", ["init", "-q", project]);
    const made = await runAlliance(["keys", "init", "--out", "mykeys", "--members", "fr"], { env, cwd: project });
    expect(made.code).toBe(0);
    const status = await run("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: project });
    expect(status.stdout).not.toContain(".jwk");
    expect(status.stdout).not.toContain("directory.json");
  });

  it("keys public - writes the public JWK gov apply takes, never the private part, and never over a file", async () => {
    const out = join(dir, "fr.pub.json");
    const made = await alliance(["keys", "public", "--key", join(dir, "keys/fr.jwk"), "--out", out]);
    expect(made.code).toBe(0);
    const pub = JSON.parse(readFileSync(out, "utf8"));
    expect(Object.keys(pub).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
    const again = await alliance(["keys", "public", "--key", join(dir, "keys/fr.jwk"), "--out", out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("ERR_KEY_EXISTS");
  });
});

describe("first hour - errors that name the cause", () => {
  it("publish, tail and quarantine with no streams: ERR_NO_STREAM saying to run `alliance streams`, at once", async () => {
    const publish = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(dir, "keys/fr.jwk")], JSON.stringify(sampleCrimeBulletin()));
    expect(publish.code).toBe(1);
    expect(publish.stderr).toContain("ERR_NO_STREAM");
    expect(publish.stderr).toContain("alliance streams");
    expect(publish.stderr).not.toContain("retrying");
    const tail = await alliance(["tail", "crime", "--idle-exit", "1", "--static-directory"]);
    expect(tail.code).toBe(1);
    expect(tail.stderr).toContain("ERR_NO_STREAM");
    expect(tail.stderr).not.toContain("unexpected error");
    const quarantine = await alliance(["quarantine"]);
    expect(quarantine.code).toBe(1);
    expect(quarantine.stderr).toContain("ERR_NO_STREAM");
  });

  it("status against a port that is not NATS: a stable code, and the process ends", async () => {
    // A port that accepts connections and never speaks, as an HTTP server waits for a request.
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as { port: number }).port;
    try {
      const status = await alliance(["status", "--server", `nats://127.0.0.1:${port}`]);
      expect(status.code).toBe(1);
      expect(status.stderr).toContain("ERR_CONNECT_TIMEOUT");
      const http = await alliance(["status", "--server", `nats://127.0.0.1:${bare.server.httpPort}`]);
      expect(http.code).toBe(1);
      expect(http.stderr).toMatch(/ERR_CONNECT_(TIMEOUT|FAILED)/);
    } finally {
      silent.close();
    }
  });

  it("bad input exits 2: a missing key file, a missing config, unknown member codes", async () => {
    const noKey = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(dir, "nope.jwk")], "{}");
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("ERR_KEY_UNREADABLE");
    const noConfig = await alliance(["--config", join(dir, "nope.json"), "streams"]);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain("ERR_CONFIG_UNREADABLE");
    const recipients = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(dir, "keys/fr.jwk"), "--recipients", "xx,fr"], JSON.stringify(sampleCrimeBulletin()));
    expect(recipients.code).toBe(2);
    expect(recipients.stderr).toContain("ERR_USAGE");
    expect(recipients.stderr).toContain("xx");
    const members = await alliance(["keys", "init", "--out", join(dir, "zz"), "--members", "fr,zz"]);
    expect(members.code).toBe(2);
    expect(members.stderr).toContain("zz");
    expect(existsSync(join(dir, "zz/fr.jwk"))).toBe(false);
  });
});

describe("first hour - a CLI that behaves like its peers", () => {
  it("--version prints the package's version; --help loads no NATS client", async () => {
    const version = await alliance(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version);
    const spyFile = join(dir, "modules.txt");
    writeFileSync(spyFile, "");
    const help = await run("node", ["--import", join(REPO, "test/helpers/module-spy.mjs"), ALLIANCE_BIN, "--help"], { env: { ...env, MODULE_SPY_OUT: spyFile } });
    expect(help.stdout).toContain("Commands:");
    const loaded = readFileSync(spyFile, "utf8");
    expect(loaded).toContain("commander");
    expect(loaded).not.toContain("@nats-io");
    expect(loaded).not.toContain("pino");
  });

  it("each command's --help shows examples", async () => {
    for (const cmd of [["publish"], ["tail"], ["keys", "init"], ["status"], ["streams"], ["context", "add"]]) {
      const help = await alliance([...cmd, "--help"]);
      expect(help.code, cmd.join(" ")).toBe(0);
      expect(help.stdout, cmd.join(" ")).toContain("Examples:");
    }
  });

  it("quiet by default, -v for connection logs; streams --json | head -1 ends without EPIPE", async () => {
    const quiet = await alliance(["streams", "--json"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toContain("connected to NATS");
    const verbose = await alliance(["-v", "streams"]);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toContain("connected to NATS");

    // Shell pipelines whose reader goes away: head after one line, and `true` before any (so the
    // broken pipe is certain); with pipefail the command's own status counts.
    for (const reader of ["head -1", "true"]) {
      const piped = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => {
        const child = spawn("bash", ["-c", `set -o pipefail; node ${JSON.stringify(ALLIANCE_BIN)} streams --json | ${reader}`], { env });
        let stdout = "", stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code ?? -1, stderr, stdout }));
      });
      expect(piped.stderr, reader).not.toContain("EPIPE");
      expect(piped.stderr, reader).not.toContain("unexpected error");
      expect(piped.code, reader).toBe(0);
      if (reader === "head -1") expect(piped.stdout.trim().split("\n")).toHaveLength(1);
    }
  });

  it("tail exits 4 when it rejected every message it saw", async () => {
    // A message signed by nobody the directory knows: tail rejects it and nothing else.
    await provisioned();
    const other = join(dir, "other");
    expect((await alliance(["keys", "init", "--out", other, "--members", "fr"])).code).toBe(0);
    const published = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(other, "fr.jwk")], JSON.stringify(sampleCrimeBulletin()));
    expect(published.code, published.stderr).toBe(0);
    const tail = await alliance(["tail", "crime", "--from-start", "--idle-exit", "2", "--static-directory"]);
    expect(tail.stderr).toContain("rejected");
    expect(tail.stderr).toContain("ERR_ALL_REJECTED");
    expect(tail.code).toBe(4);
  });
});

describe("first hour - profiles, like nats context", () => {
  it("context add/use/ls/rm: one word switches identity; files are 0600 and hold paths only", async () => {
    await provisioned();
    const added = await alliance(["context", "add", "fr", "--server", bare.url, "--key", join(dir, "keys/fr.jwk"), "--directory", join(dir, "keys/directory.json")]);
    expect(added.code, added.stderr).toBe(0);
    const file = join(dir, "home/contexts/fr.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).not.toContain('"d"');
    // A context naming a server that is not there, selected; --context fr wins over it.
    expect((await alliance(["context", "add", "nowhere", "--server", "nats://127.0.0.1:1", "--use"])).code).toBe(0);
    const ls = await alliance(["context", "ls"]);
    expect(ls.stdout).toMatch(/^\* nowhere/m);
    const noUrl = { NATS_URL: undefined };
    const viaSelected = await alliance(["streams"], undefined, noUrl);
    expect(viaSelected.code).toBe(1);
    expect(viaSelected.stderr).toContain("ERR_CONNECT_FAILED");
    const viaNamed = await alliance(["--context", "fr", "publish", "crime", "bulletin", "--data", "-"], JSON.stringify(sampleCrimeBulletin()), noUrl);
    expect(viaNamed.code, viaNamed.stderr).toBe(0);
    expect(viaNamed.stdout).toContain("stream=ALLIANCE_CRIME");
    const unknown = await alliance(["--context", "nobody", "streams"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("ERR_CONTEXT_UNKNOWN");
    expect((await alliance(["context", "rm", "nowhere"])).code).toBe(0);
    expect((await alliance(["context", "ls"])).stdout).not.toContain("nowhere");
  });
});

describe("first hour - governance errors name the right cause", () => {
  let secure: SecureTestServer;
  let senv: NodeJS.ProcessEnv;
  beforeAll(async () => {
    secure = await startSecureTestServer();
    senv = { NATS_URL: secure.url, NATS_CA: secure.security.certs.caFile };
  });
  afterAll(async () => secure?.stop());

  it("gov show as a member: ERR_PERMISSION_DENIED, not 'the secretariat has not run'", async () => {
    const shown = await alliance(["gov", "show", "members"], undefined, { ...senv, NATS_CREDS: join(secure.security.auth.dir, "fr.nk") });
    expect(shown.code).toBe(1);
    expect(shown.stderr).toContain("ERR_PERMISSION_DENIED");
    expect(shown.stderr).not.toContain("has not run");
  });

  it("gov vote with an invalid vote names <vote>, not --on", async () => {
    const vote = await alliance(["gov", "vote", "0c87b240-5f8a-450c-94e8-eb4192457774", "perhaps", "--key", join(dir, "keys/fr.jwk")], undefined, { ...senv, NATS_CREDS: join(secure.security.auth.dir, "fr.nk") });
    expect(vote.code).toBe(2);
    expect(vote.stderr).toContain("<vote>");
    expect(vote.stderr).not.toContain("--on");
  });
});
