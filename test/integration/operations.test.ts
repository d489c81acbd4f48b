import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { openBus } from "../../services/bus/core/bus.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { initKeys, loadSigner } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { startCluster } from "../helpers/cluster.js";
import { waitForStreamHealthy } from "../helpers/cluster-replicas.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { startTestServer, testLog } from "../helpers/nats.js";
import { runShellExample } from "../helpers/docs.js";

// docs/operations.md's runbook, walked through on real servers here: a backup restored into a
// fresh server and checked message by message, and a node upgraded by a rolling restart.

const REPO = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "alliance-ops-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("operations - backup and restore", () => {
  it("examples/ops/backup-restore.sh: the snapshot restored into a fresh server holds every bulletin, and each still verifies", async () => {
    await using source = await startTestServer();
    await using target = await startTestServer();
    const cwd = mkdtempSync(join(dir, "backup-"));
    const env = { PATH: process.env.PATH, HOME: cwd, ALLIANCE_HOME: join(cwd, "home"), EXAMPLES: join(REPO, "examples"), ALLIANCE_DIRECTORY: join(cwd, "keys/directory.json") };
    const setup = await runShellExample(join(REPO, "examples/cli/first-steps.sh"), cwd, { ...env, NATS_URL: source.url });
    expect(setup.code, setup.stderr).toBe(0);
    const published = await runShellExample(join(REPO, "examples/ops/publish-sample.sh"), cwd, { ...env, NATS_URL: source.url });
    expect(published.code, published.stderr).toBe(0);
    const ids = [...published.stdout.matchAll(/"id":"([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(5);

    const result = await runShellExample(join(REPO, "examples/ops/backup-restore.sh"), cwd, { ...env, NATS_URL: source.url, RESTORE_URL: target.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ALLIANCE_CRIME\trestored\tmessages=6/);
    const restored = readFileSync(join(cwd, "restored-crime.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).event.id);
    // first-steps.sh published one, publish-sample.sh five: all there, in order, all verified.
    expect(restored.slice(1)).toEqual(ids);
    expect(restored).toHaveLength(6);
  }, 240_000);
});

describe("operations - rotating and revoking a key", () => {
  it("examples/ops/rotate-revoke.sh: the new key verifies at once, the revoked one is refused from then on", async () => {
    await using server = await startTestServer();
    const cwd = mkdtempSync(join(dir, "rotate-"));
    const env = { PATH: process.env.PATH, HOME: cwd, ALLIANCE_HOME: join(cwd, "home"), EXAMPLES: join(REPO, "examples"), ALLIANCE_DIRECTORY: join(cwd, "keys/directory.json"), NATS_URL: server.url };
    const setup = await runShellExample(join(REPO, "examples/cli/first-steps.sh"), cwd, env);
    expect(setup.code, setup.stderr).toBe(0);
    const result = await runShellExample(join(REPO, "examples/ops/rotate-revoke.sh"), cwd, env);
    expect(result.code, result.stderr).toBe(0);
    const [rotatedId, afterRevocationId] = [...result.stdout.matchAll(/^id=([0-9a-f-]{36}) stream=ALLIANCE_CRIME/gm)].map((m) => m[1]);
    const verified = readFileSync(join(cwd, "after-rotation.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).event.id);
    expect(verified).toContain(rotatedId);
    expect(verified).not.toContain(afterRevocationId);
    expect(result.stderr).toMatch(/rejected ALLIANCE_CRIME#3 .*: key-revoked/);
  }, 240_000);
});

describe("operations - upgrading a node: a rolling restart of the cluster", () => {
  it("each node in turn stopped and started again while ministries publish: nothing acknowledged is lost", async () => {
    const config = loadConfig(join(REPO, "config/alliance.production.json"));
    await using cluster = await startCluster(3);
    const bus = await openBus({ servers: cluster.urls, name: "ops-rolling", config, log: testLog });
    try {
      await provisionStreams(bus.jsm, config.bounds, testLog, config.quotas);
      // The ministries publish in turn, each within its per-subject cap (docs/security.md, "Quotas"):
      // the load runs as long as the restarts take, however fast the machine.
      const origins = config.members.map((m) => m.code);
      await initKeys(join(dir, "rolling-keys"), origins);
      const publishers = await Promise.all(origins.map(async (code) => createPublisher({ js: bus.js, signer: await loadSigner(join(dir, `rolling-keys/${code}.jwk`)), bounds: config.bounds, log: testLog, deadlineMs: 90_000 })));
      const perOrigin = config.quotas.channelPerSubjectMaxMsgs;
      const acknowledged: number[] = [];
      let publishing = true;
      const load = (async () => {
        for (let n = 0; publishing && n < perOrigin * publishers.length; n++) {
          const publisher = publishers[n % publishers.length]!;
          acknowledged.push((await publisher.publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "fr", data: sampleCrimeBulletin() })).seq);
        }
      })();
      for (const node of ["n1", "n2", "n3"]) {
        // The runbook: stop the node, replace its binary, start it on the same store; wait until
        // the stream has all its replicas again before the next.
        await cluster.kill(node);
        await cluster.restart(node);
        await cluster.waitForMetaLeader();
        await waitForStreamHealthy(bus.jsm, StreamName.crime, { replicas: 3, timeoutMs: 120_000 });
      }
      publishing = false;
      await load;
      expect(acknowledged.length).toBeGreaterThan(0);
      const info = await bus.jsm.streams.info(StreamName.crime);
      expect(info.state.messages).toBeGreaterThanOrEqual(acknowledged.length);
      expect(info.state.last_seq).toBeGreaterThanOrEqual(Math.max(...acknowledged));
    } finally {
      await bus.close();
    }
  }, 300_000);
});
