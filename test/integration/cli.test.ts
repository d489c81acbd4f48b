import { ALLIANCE_BIN, runAlliance } from "../helpers/cli.js";
import { execFile } from "node:child_process";
import { sign as edSign, createPrivateKey, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { Header } from "../../services/bus/wire/headers.js";
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
  dir = mkdtempSync(join(tmpdir(), "alliance-cli-"));
  env = { ...process.env, NATS_URL: server.url, ALLIANCE_DIRECTORY: join(dir, "keys/directory.json"), LOG_LEVEL: "warn", LOG_PRETTY: "false" };
  await run("node", [ALLIANCE_BIN, "keys", "init", "--out", join(dir, "keys"), "--members", "fr,es,ma"], { env });
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function alliance(args: string[], input?: string) {
  return runAlliance(args, { env, ...(input !== undefined ? { input } : {}) });
}

/** Signs per docs/protocol.md with node:crypto alone: no jose, no code of ours. */
function signByHand(body: Buffer, jwkPath: string): string {
  const jwk = JSON.parse(readFileSync(jwkPath, "utf8"));
  const protectedB64 = Buffer.from(JSON.stringify({ alg: "EdDSA", kid: jwk.kid, b64: false, crit: ["b64"] })).toString("base64url");
  const input = Buffer.concat([Buffer.from(`${protectedB64}.`), body]);
  const signature = edSign(null, input, createPrivateKey({ key: jwk, format: "jwk" })).toString("base64url");
  return `${protectedB64}..${signature}`;
}

describe("cli - keys", () => {
  it("keys init - private JWKs are 0600 with kid and alg; the directory holds public members only", () => {
    const jwk = JSON.parse(readFileSync(join(dir, "keys/fr.jwk"), "utf8"));
    expect(statSync(join(dir, "keys/fr.jwk")).mode & 0o777).toBe(0o600);
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(jwk.kid).toMatch(/^fr:/);
    const directory = JSON.parse(readFileSync(join(dir, "keys/directory.json"), "utf8"));
    const signing = directory.keys.filter((k: { use: string }) => k.use === "sig");
    expect(signing.map((k: { kid: string }) => k.kid.split(":")[0]).sort()).toEqual(["es", "fr", "ma", "sec"]);
    // v1.1 §1b.1: an X25519 encryption key per member beside them, none for the secretariat.
    const enc = directory.keys.filter((k: { use: string }) => k.use === "enc");
    expect(enc.map((k: { kid: string }) => k.kid.split(":")[0]).sort()).toEqual(["es", "fr", "ma"]);
    expect(statSync(join(dir, "keys/fr.enc.jwk")).mode & 0o777).toBe(0o600);
    for (const key of directory.keys) expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
  });
});

describe("cli - errors", () => {
  it("cli - --help works and bad input gives a stable code and a non-zero exit", async () => {
    expect((await alliance(["--help"])).code).toBe(0);
    const badChannel = await alliance(["publish", "gossip", "bulletin", "--data", "-", "--key", join(dir, "keys/fr.jwk")]);
    expect(badChannel.code).toBe(2);
    expect(badChannel.stderr).toContain("ERR_USAGE");
    const badData = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(dir, "keys/fr.jwk")], '{"title":"x"}');
    expect(badData.code).toBe(2);
    expect(badData.stderr).toContain("ERR_EVENT_INVALID");
    const noKey = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(dir, "nope.jwk")], "{}");
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("ERR_KEY_UNREADABLE");
  });

  it("cli - a bad config names the file and the field", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...JSON.parse(readFileSync("config/alliance.json", "utf8")), bounds: { maxBodyBytes: "big" } }));
    const result = await alliance(["--config", bad, "streams"]);
    expect(result.code).toBe(2); // bad input, as the README promises
    expect(result.stderr).toContain("ERR_CONFIG_INVALID");
    expect(result.stderr).toContain(bad);
    expect(result.stderr).toContain("bounds.maxBodyBytes");
  });
});

describe("cli - publish, tail, quarantine", () => {
  it("tail - accepts a CLI-published and a hand-signed message, quarantines a forged one, and reports it", async () => {
    const published = await alliance(["publish", "crime", "bulletin", "--data", "-", "--key", join(dir, "keys/es.jwk"), "--json"], JSON.stringify(sampleCrimeBulletin()));
    expect(published.code).toBe(0);
    const receipt = JSON.parse(published.stdout);
    expect(receipt).toMatchObject({ stream: "ALLIANCE_CRIME", subject: "alliance.crime.es.bulletin" });

    const id = randomUUID();
    const body = Buffer.from(JSON.stringify({
      specversion: "1.0", id, source: "ma", type: "alliance.crime.bulletin.v1", time: new Date().toISOString(),
      datacontenttype: "application/json", tlp: "GREEN", lang: "ar", data: sampleCrimeBulletin(),
    }));
    const h = headers();
    h.set(Header.MsgId, id);
    h.set(Header.Signature, signByHand(body, join(dir, "keys/ma.jwk")));
    await bus.js.publish("alliance.crime.ma.bulletin", body, { headers: h, msgID: id });

    const forgedId = randomUUID();
    const forged = Buffer.from(body.toString().replace(id, forgedId));
    const fh = headers();
    fh.set(Header.MsgId, forgedId);
    fh.set(Header.Signature, h.get(Header.Signature));
    await bus.js.publish("alliance.crime.ma.bulletin", forged, { headers: fh, msgID: forgedId });

    const tail = await alliance(["tail", "crime", "--json", "--from-start", "--idle-exit", "2"]);
    expect(tail.code).toBe(0);
    const lines = tail.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event.id)).toEqual([receipt.id, id]);
    expect(lines[1]).toMatchObject({ stream: "ALLIANCE_CRIME", subject: "alliance.crime.ma.bulletin", seq: 2 });
    expect(tail.stderr).toContain("bad-signature");

    const quarantine = await alliance(["quarantine", "--json", "--reason", "bad-signature"]);
    expect(quarantine.code).toBe(0);
    const entries = quarantine.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(entries).toHaveLength(1);
    // Without credentials the tail writes as `local`: the writer is shown, from the entry's subject.
    expect(entries[0]).toMatchObject({ reason: "bad-signature", claimedOrigin: "ma", originalSeq: 3, writer: "local" });
    const text = await alliance(["quarantine", "--writer", "local"]);
    expect(text.stdout).toContain("writer=local");
    expect(text.stdout).toContain("1 quarantined message(s)");
    expect((await alliance(["quarantine", "--writer", "fr"])).stdout).toContain("0 quarantined message(s)");
    expect((await alliance(["quarantine", "--writer", "FR.>"])).code).not.toBe(0);
  });
});
