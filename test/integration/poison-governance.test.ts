import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { listQuarantine } from "../../services/bus/admin/quarantine-report.js";
import { generateMemberKey, signerFromJwk, toPublicJwk } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { Header } from "../../services/bus/wire/headers.js";
import { signDetachedNative } from "../../services/bus/wire/jws.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createLiveDirectory, createSecretariat, rebuildFromStream, type LiveDirectory, type Secretariat } from "../../services/secretariat/index.js";
import { runAlliance } from "../helpers/cli.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS, publishGov, verifyStored } from "../helpers/secretariat.js";

/**
 * Issue 10, finding 1, end to end: a member signs, with its own valid key, a `key-rotated` whose
 * next key's `x` is 43 characters that are not base64url, on its own governance subject. It used
 * to throw inside the schema, so the secretariat and every live directory redelivered it for ever
 * and a genuine rotation after it never took effect.
 */
const base = loadConfig();
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, ackWaitSeconds: 2 } });
const members = await makeMembers([...FOUNDERS, "sec"]);
const founding = members.publicJwks;
const fr = members.signers.fr!;

let server: TestServer;
let bus: Bus;
let secretariat: Secretariat;
let live: LiveDirectory;

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  secretariat = createSecretariat({ config, bus, log: testLog, signer: members.signers.sec!, founding });
  await secretariat.start();
  live = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding, log: testLog });
  await live.ready();
});
afterAll(async () => {
  await live?.close();
  await secretariat?.stop();
  await bus?.close();
  await server?.stop();
});

/** Publishes a signed body as is: the publisher would refuse to sign an invalid event. */
async function publishRaw(subject: string, envelope: Record<string, unknown>): Promise<number> {
  const body = new TextEncoder().encode(JSON.stringify(envelope));
  const h = headers();
  h.set(Header.MsgId, String(envelope.id));
  h.set(Header.Signature, signDetachedNative(body, fr.kid, fr.key));
  return (await bus.js.publish(subject, body, { headers: h, msgID: String(envelope.id) })).seq;
}

describe("poison governance - a signed key-rotated with a poison key", () => {
  it("poison - is quarantined as schema, a genuine rotation published after it takes effect at a live directory, and the audit replays past it", async () => {
    const poisonSeq = await publishRaw("alliance.secretariat.fr.key-rotated", {
      specversion: "1.0", id: randomUUID(), source: "fr", type: "alliance.secretariat.key-rotated.v1", time: new Date().toISOString(),
      datacontenttype: "application/json", tlp: "GREEN", lang: "en",
      data: { next: { kty: "OKP", crv: "Ed25519", x: "!".repeat(43), kid: "fr:poison", alg: "EdDSA" } },
    });
    const nextJwk = await generateMemberKey("fr");
    const genuine = await publishGov(bus, fr, config.bounds, testLog, "key-rotated", { next: toPublicJwk(nextJwk) });
    expect(genuine.seq).toBeGreaterThan(poisonSeq);

    await live.waitForSeq(genuine.seq, 180_000);
    await waitFor("the secretariat's fold past the rotation", () => secretariat.state().lastSeq >= genuine.seq);
    await waitFor("the poison copy in quarantine", async () =>
      (await listQuarantine(bus.js, bus.jsm, Reason.Schema)).some((e) => e.originalSeq === poisonSeq && e.originalStream === StreamName.secretariat));

    const publish = (signer: typeof fr) =>
      createPublisher({ js: bus.js, signer, bounds: config.bounds, log: testLog }).publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "fr", data: sampleCrimeBulletin() });
    const withNew = await publish(await signerFromJwk(nextJwk));
    const withOld = await publish(fr);
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, withNew.seq)).resolves.toMatchObject({ ok: true });
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, withOld.seq)).resolves.toMatchObject({ ok: false, reason: Reason.KeyRevoked });
    expect(live.state().keys.fr!.keys.map((k) => k.kid)).toEqual([fr.kid, nextJwk.kid]);

    // A replay (what every member and `alliance gov audit` compute) goes past it the same way.
    const replayed = await rebuildFromStream(bus, { config, founding });
    expect(replayed.keys.fr!.keys.map((k) => k.kid)).toEqual([fr.kid, nextJwk.kid]);
    const dir = mkdtempSync(join(tmpdir(), "alliance-poison-"));
    try {
      writeFileSync(join(dir, "directory.json"), JSON.stringify(founding));
      const audit = await runAlliance(["gov", "audit", "--json", "--directory", join(dir, "directory.json")], { env: { ...process.env, NATS_URL: server.url, LOG_LEVEL: "warn", LOG_PRETTY: "false" } });
      expect(audit.code, audit.stderr).toBe(0);
      const lines = audit.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ seq: poisonSeq, verdict: "quarantined", reason: Reason.Schema }));
      expect(lines.at(-1)).toMatchObject({ summary: { viewsMatch: true } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
