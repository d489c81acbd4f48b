import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, ErrorCode, initKeys, saveProfile, StreamName } from "../../services/bus/index.js";
import { startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

// The SDK as a ministry's developer meets it (issue 15): the README's example run from a project
// of its own that depends on the package, and `connect` failing with the cause named.

const run = promisify(execFile);
const REPO = join(import.meta.dirname, "../..");

let secure: SecureTestServer;
let dir: string;

beforeAll(async () => {
  secure = await startSecureTestServer();
  dir = mkdtempSync(join(tmpdir(), "alliance-sdk-"));
  await initKeys(join(dir, "keys"), ["ae", "fr", "sec"]);
});
afterAll(async () => {
  await secure?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const asAe = () => ({
  NATS_URL: secure.url, NATS_CREDS: join(secure.security.auth.dir, "ae.nk"), NATS_CA: secure.security.certs.caFile,
  ALLIANCE_KEY: join(dir, "keys/ae.jwk"), ALLIANCE_DIRECTORY: join(dir, "keys/directory.json"),
});

describe("sdk - the README's example, as an npm package consumer runs it", () => {
  it("examples/sdk/desk.ts imports `alliance-bus` through the package's exports, publishes and reads its own bulletin on a secured server", async () => {
    // A project of the integrator's own: the package linked into node_modules as npm link would,
    // tsx beside it; the example copied there, so no relative path can reach into services/.
    const project = join(dir, "consumer");
    mkdirSync(join(project, "node_modules"), { recursive: true });
    symlinkSync(REPO, join(project, "node_modules/alliance-bus"), "dir");
    symlinkSync(join(REPO, "node_modules/tsx"), join(project, "node_modules/tsx"), "dir");
    cpSync(join(REPO, "examples"), join(project, "examples"), { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "ministry-desk", private: true, type: "module", dependencies: { "alliance-bus": "file:../alliance-bus" } }));
    const { stdout } = await run("node", ["--import", "tsx", "examples/sdk/desk.ts"], {
      cwd: project, env: { PATH: process.env.PATH, HOME: dir, ...asAe() }, timeout: 120_000,
    });
    const id = /published ([0-9a-f-]{36}) as ALLIANCE_CRIME#\d+/.exec(stdout)?.[1];
    expect(id, stdout).toBeDefined();
    expect(stdout).toContain(`verified ${id} from ae`);
  });
});

describe("sdk - connect takes what the CLI takes and names the cause", () => {
  it("connect - the variables NATS_URL, NATS_CREDS, NATS_CA, or a context, connect as that identity", async () => {
    const viaEnv = await connect({ env: asAe(), log: testLog });
    expect(viaEnv.settings.creds).toContain("ae.nk");
    // A member may read the governance record's stream info (its live directory needs it), not the channels' (docs/security.md).
    await viaEnv.jsm.streams.info(StreamName.secretariat);
    await viaEnv.close();

    const home = join(dir, "home");
    saveProfile(home, "ae", { server: secure.url, creds: join(secure.security.auth.dir, "ae.nk"), ca: secure.security.certs.caFile });
    const viaContext = await connect({ context: "ae", env: { ALLIANCE_HOME: home }, log: testLog });
    expect(viaContext.settings.context).toBe("ae");
    await viaContext.close();
  });

  it("connect - unreachable, not NATS, no credentials, no CA, an unknown context: each its own stable code, none hangs", async () => {
    const code = (p: Promise<unknown>) => p.then(async (b) => {
      await (b as { close(): Promise<void> }).close();
      return "connected";
    }, (e: { code?: string }) => e.code);

    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      expect(await code(connect({ env: { NATS_URL: `nats://127.0.0.1:${port}` }, timeoutMs: 2_000, log: testLog }))).toBe(ErrorCode.ConnectTimeout);
    } finally {
      silent.close();
    }
    expect(await code(connect({ env: { NATS_URL: "nats://127.0.0.1:1" }, log: testLog }))).toBe(ErrorCode.ConnectFailed);
    expect(await code(connect({ env: { NATS_URL: secure.url, NATS_CA: secure.security.certs.caFile }, log: testLog }))).toBe(ErrorCode.ConnectAuth);
    expect(await code(connect({ env: { NATS_URL: secure.url, NATS_CREDS: join(secure.security.auth.dir, "ae.nk") }, log: testLog }))).toBe(ErrorCode.ConnectTlsRequired);
    expect(await code(connect({ env: { NATS_URL: secure.url, NATS_CREDS: join(dir, "missing.nk") }, log: testLog }))).toBe(ErrorCode.CredsUnreadable);
    expect(await code(connect({ context: "nobody", env: { ALLIANCE_HOME: join(dir, "empty-home") }, log: testLog }))).toBe(ErrorCode.ContextUnknown);
  });

  it("connect - a stream that was never provisioned is ERR_NO_STREAM, saying to run `alliance streams`", async () => {
    let bare: TestServer | undefined = await startTestServer();
    try {
      const err = await connect({ env: { NATS_URL: bare.url }, streams: [StreamName.crime], log: testLog }).then(() => undefined, (e: { code?: string; message: string }) => e);
      expect(err?.code).toBe(ErrorCode.NoStream);
      expect(err?.message).toContain("alliance streams");
    } finally {
      await bare.stop();
      bare = undefined;
    }
  });
});
