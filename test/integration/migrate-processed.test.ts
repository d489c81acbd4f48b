import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import { afterAll, describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { migrateProcessedRecords } from "../../services/bus/admin/migrate-processed.js";
import { openProcessedRecord, PROCESSED_BUCKET, streamPosition } from "../../services/bus/consume/idempotency.js";
import { subscribe } from "../../services/bus/consume/subscriber.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { runShellExample } from "../helpers/docs.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog } from "../helpers/nats.js";

// docs/operations.md, "Migrating the processed records": the shared ALLIANCE_PROCESSED bucket of
// before issue 11 copied into the per-owner buckets the subscribers now read.

const REPO = join(import.meta.dirname, "../..");
const config = loadConfig();
const dir = mkdtempSync(join(tmpdir(), "alliance-migrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shared bucket as the subscribers of before issue 11 made it. */
async function sharedBucket(js: Parameters<typeof openProcessedRecord>[0]) {
  return new Kvm(js).create(PROCESSED_BUCKET, { history: 1, replicas: 1, allow_direct: false });
}

describe("operations - migrating the processed records to per-owner buckets", () => {
  it("examples/ops/migrate-processed.sh: a subscriber upgraded across the switch does not run again what it had handled", async () => {
    await using server = await startTestServer();
    await using bus = await openTestBus(server.url, config);
    const members = await makeMembers();
    const publisher = createPublisher({ js: bus.js, signer: members.signers.fr!, bounds: config.bounds, log: testLog });
    const handled = await publisher.publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "fr", data: sampleCrimeBulletin() });
    // Before the upgrade, es-desk handled it and wrote its record in the shared bucket.
    const shared = await sharedBucket(bus.js);
    await shared.put(`es-desk.${handled.id}`, streamPosition(handled.stream, handled.seq));
    await shared.put("fr-desk.0b1f2c3d-old", String(Date.now())); // records of before positions held a timestamp
    await shared.put("ma-tracking.5e6f7a8b-kept", "ALLIANCE_BORDER:3");
    // Since the switch, ma-tracking wrote a newer record of its own for that id: it stays.
    const ma = await openProcessedRecord(bus.js, "ma-tracking", config.bounds);
    await ma.add("5e6f7a8b-kept", "ALLIANCE_BORDER:9");

    const cwd = mkdtempSync(join(dir, "example-"));
    const env = { PATH: process.env.PATH, HOME: cwd, ALLIANCE_HOME: join(cwd, "home"), NATS_URL: server.url };
    const result = await runShellExample(join(REPO, "examples/ops/migrate-processed.sh"), cwd, env);
    expect(result.code, result.stderr).toBe(0);
    const [first, second] = result.stdout.split(/^migrated.*$/m);
    expect(first).toContain("ALLIANCE_PROCESSED_es\tcopied=1\tkept=0");
    expect(first).toContain("ALLIANCE_PROCESSED_fr\tcopied=1\tkept=0");
    expect(first).toContain("ALLIANCE_PROCESSED_ma\tcopied=0\tkept=1");
    // The second run copies nothing, keeps all three, and removes the shared bucket.
    expect(second).toContain("ALLIANCE_PROCESSED_es\tcopied=0\tkept=1");
    expect(second).toContain("ALLIANCE_PROCESSED_fr\tcopied=0\tkept=1");
    expect(result.stdout).toMatch(/^migrated\tcopied=2\tunmigratable=0\tshared bucket kept$/m);
    expect(result.stdout).toMatch(/^migrated\tcopied=0\tunmigratable=0\tshared bucket removed$/m);
    await expect(bus.jsm.streams.info(`KV_${PROCESSED_BUCKET}`)).rejects.toThrow();

    expect(await ma.handledAt("5e6f7a8b-kept")).toBe("ALLIANCE_BORDER:9");
    expect(await (await openProcessedRecord(bus.js, "fr-desk", config.bounds)).handledAt("0b1f2c3d-old")).toBe("");

    // The upgraded es-desk reads the stream from its start: the migrated record says it handled
    // the bulletin at that position, so the redelivery is acked without running the handler.
    const seen: AllianceEvent[] = [];
    const later = await publisher.publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "fr", data: sampleCrimeBulletin() });
    await using sub = await subscribe({
      js: bus.js, jsm: bus.jsm, verify: createVerifier({ bounds: config.bounds, directory: members.directory }), log: testLog,
      handler: async (event) => void seen.push(event),
      consumer: { stream: StreamName.crime, durable: "es-desk", startFrom: "all", settings: config.subscriber },
      processed: (name) => openProcessedRecord(bus.js, name, config.bounds),
    });
    await waitFor("the later bulletin", () => seen.some((e) => e.id === later.id));
    await waitFor("both acked", async () => (await bus.jsm.consumers.info(StreamName.crime, sub.consumerName)).num_ack_pending === 0);
    expect(seen.map((e) => e.id)).toEqual([later.id]);
    // Nothing left to do: the migration finds no shared bucket.
    const again = await runShellExample(join(REPO, "examples/ops/migrate-processed.sh"), cwd, env);
    expect(again.stdout).toContain("no shared ALLIANCE_PROCESSED bucket: nothing to migrate");
  }, 120_000);

  it("a key that names no consumer is reported and not copied, and the shared bucket is then kept", async () => {
    await using server = await startTestServer();
    await using bus = await openTestBus(server.url, config);
    const shared = await sharedBucket(bus.js);
    await shared.put("fr-desk.a1", "ALLIANCE_CRIME:1");
    await shared.put("stray", "x");
    await shared.put("fr-desk.deleted", "ALLIANCE_CRIME:2");
    await shared.delete("fr-desk.deleted");
    const outcome = await migrateProcessedRecords(bus, config.bounds, { deleteSource: true, log: testLog });
    expect(outcome).toEqual({ sourceFound: true, owners: [{ owner: "fr", bucket: "ALLIANCE_PROCESSED_fr", copied: 1, kept: 0 }], unmigratable: ["stray"], sourceDeleted: false });
    expect(await (await openProcessedRecord(bus.js, "fr-desk", config.bounds)).handledAt("deleted")).toBeUndefined();
    expect((await bus.jsm.streams.info(`KV_${PROCESSED_BUCKET}`)).state.messages).toBeGreaterThan(0);
  }, 60_000);
});
