import { afterAll, beforeAll, expect, it } from "vitest";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import { parseConfig, loadConfig } from "../../services/bus/core/config.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { openProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { ADMIN_IDENTITY } from "../../services/identity/identities.js";
import { TRACKING_BUCKET } from "../../services/tracking/index.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

/**
 * Red team (h10), one member against all: each member may write its own keys of the tracking
 * views bucket. If "its own keys" is `<code>.>`, it can write any number of them, each up to the
 * server's max_payload, into a bucket with no byte limit: the account's storage not reserved by
 * the streams, which every processed-record bucket shares, fills up, and every member's
 * subscribers can no longer record what they handled. Its views are three keys: nothing more.
 */
const MiB = 1024 * 1024;
const base = loadConfig();
// Streams as small as the fair-share rule allows for one message per subject (schemas/quotas.ts):
// they reserve what they need, and the account keeps only 12 MiB for every other KV bucket.
const quotas = { maxMembers: base.members.length, headerAllowanceBytes: 1024, governanceMaxBodyBytes: 4096, channelPerSubjectMaxMsgs: 1, governancePerSubjectMaxMsgs: 1, quarantinePerSubjectMaxMsgs: 1, processedBucketMaxBytes: MiB, kvHeadroomBytes: MiB };
const bounds = { ...base.bounds, maxBodyBytes: 4096 };
const sized = { ...quotas, channelStreamMaxBytes: 2 * MiB, governanceStreamMaxBytes: MiB, quarantineStreamMaxBytes: 3 * MiB };
const reserved = 3 * sized.channelStreamMaxBytes + sized.governanceStreamMaxBytes + sized.quarantineStreamMaxBytes + quotas.maxMembers * quotas.processedBucketMaxBytes;
const config = parseConfig({ ...base, bounds, quotas: { ...sized, accountMaxFileBytes: reserved + 12 * MiB } });
let secure: SecureTestServer;
let admin: Bus;
let es: Bus;

beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  admin = await secure.open(ADMIN_IDENTITY);
  await openJsonView(admin.js, admin.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
  es = await secure.open("es");
});
afterAll(async () => {
  await es?.close();
  await admin?.close();
  await secure?.stop();
});

it("tracking bucket - a member writes its three views, and no other key: the account's storage stays for the processed records", async () => {
  const view = await openJsonView(es.js, es.jsm, TRACKING_BUCKET, { replicas: 1 });
  await view.put("es.requests", []);
  // As much as the account takes: large values, then smaller ones to fill what is left.
  let stored = 0;
  let n = 0;
  for (const [size, count] of [[1.5 * MiB, 30], [64 * 1024, 40], [2 * 1024, 300]] as const) {
    const value = new TextEncoder().encode(JSON.stringify("x".repeat(size)));
    for (let i = 0; i < count; i++) {
      try {
        await es.js.publish(`$KV.${TRACKING_BUCKET}.es.junk-${n++}`, value, { timeout: 5_000 });
        stored++;
      } catch {
        break; // refused: by permission (the fix) or, once full, by the account's limit (the finding)
      }
    }
  }
  // Another member's consumer can still record what it handled.
  const fr = await secure.open("fr");
  try {
    const record = await openProcessedRecord(fr.js, "fr-tracking", { replicas: 1, streamMaxAgeDays: config.bounds.streamMaxAgeDays });
    await record.add("0b9c4f6e-2d1a-4c8e-9f3b-7a5d1e2c3b4a", "ALLIANCE_CRIME:1");
  } finally {
    await fr.close();
  }
  expect(stored).toBe(0);
});
