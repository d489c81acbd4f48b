import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { removeSubjectMessages } from "../../services/bus/admin/remove.js";
import { provisionStreams, streamMaxMsgSize } from "../../services/bus/admin/streams.js";
import { ErrorCode, isAllianceError } from "../../services/bus/core/errors.js";
import { quotaReservations } from "../../schemas/quotas.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { PriorityKind } from "../../schemas/protocol.js";
import { resyncJetStreamUsage } from "../../services/identity/resync.js";
import { collectSample } from "../../services/monitor/collect.js";
import { evaluateRules } from "../../services/monitor/rules.js";
import { Rule } from "../../services/monitor/view.js";
import { permissionViolation } from "../../services/identity/violations.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { testLog } from "../helpers/nats.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

/**
 * Issue 11: quotas the broker enforces by itself, from config. Small caps, so that a flood fills
 * them in a moment: 20 messages per member per kind, each stream sized by the fair-share rule
 * (schemas/quotas.ts) for the seven members.
 */
const MiB = 1024 * 1024;
const base = loadConfig();
const small = { maxMembers: base.members.length, channelPerSubjectMaxMsgs: 20, governancePerSubjectMaxMsgs: 20, quarantinePerSubjectMaxMsgs: 20, processedBucketMaxBytes: MiB, kvHeadroomBytes: 16 * MiB };
const config = parseConfig({ ...base, quotas: sizedQuotas(small) });

/** `quotas` with each stream and the account exactly as large as the rule asks, rounded up to a MiB. */
function sizedQuotas(quotas: Record<string, number>): Record<string, number> {
  const roundUp = (n: number) => Math.ceil(n / MiB) * MiB;
  const loose = parseConfig({ ...base, quotas: { ...quotas, channelStreamMaxBytes: 2 ** 40, governanceStreamMaxBytes: 2 ** 40, quarantineStreamMaxBytes: 2 ** 40, accountMaxFileBytes: 2 ** 45 } }).quotas;
  const streams = Object.fromEntries(quotaReservations(base.bounds.maxBodyBytes, loose).streams.map((r) => [r.field, roundUp(r.bytes)]));
  const account = quotaReservations(base.bounds.maxBodyBytes, { ...loose, ...streams }).account.bytes;
  return { ...quotas, ...streams, accountMaxFileBytes: roundUp(account) };
}
const members = await makeMembers(["fr", "es"]);
const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "es" as const, data: sampleCrimeBulletin() };
const junk = (size: number) => new Uint8Array(size).fill(0x7b);

let secure: SecureTestServer;
let fr: Bus;
let es: Bus;
let admin: Bus;
beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  [fr, es, admin] = await Promise.all([secure.open("fr"), secure.open("es"), secure.open("admin")]);
}, 180_000);
afterAll(async () => {
  await Promise.all([fr?.close(), es?.close(), admin?.close()]);
  await secure?.stop();
});

async function flood(subject: string, size: number): Promise<{ stored: number; refusal: string }> {
  let stored = 0;
  for (;;) {
    const msgID = randomUUID();
    const err = await fr.js.publish(subject, junk(size), { msgID, retries: 0 }).then(() => undefined, (e: unknown) => e as Error);
    if (err) return { stored, refusal: err.message };
    stored++;
  }
}

const esPublishes = () => createPublisher({ js: es.js, signer: members.signers.es!, bounds: config.bounds, log: testLog }).publish(bulletin);

describe("quotas - enforced by the broker, generated from config", () => {
  it("a member is refused at its own cap on a subject; what it stored stays; another member still publishes", async () => {
    const before = await admin.jsm.streams.info(StreamName.extremism, { subjects_filter: ">" });
    const { stored, refusal } = await flood("alliance.extremism.fr.alert", 1024);
    expect(stored).toBe(20);
    expect(refusal).toMatch(/maximum messages per subject exceeded/i);
    const after = await admin.jsm.streams.info(StreamName.extremism, { subjects_filter: ">" });
    expect(after.state.subjects?.["alliance.extremism.fr.alert"]).toBe(20);
    // Discard new: nothing old was dropped to make room.
    expect(after.state.first_seq).toBe(before.state.messages === 0 ? 1 : before.state.first_seq);
    // es's own subject on the same stream is untouched by fr's cap.
    expect((await es.js.publish("alliance.extremism.es.alert", junk(1024), { msgID: randomUUID() })).stream).toBe(StreamName.extremism);
  });

  it("lowering a cap below what a subject holds is refused: nats-server would delete the oldest messages to apply it", async () => {
    // fr holds 20 on alliance.extremism.fr.alert (the test before).
    const lowered = { ...config.quotas, channelPerSubjectMaxMsgs: 10 };
    const err = await provisionStreams(admin.jsm, config.bounds, testLog, lowered).then(() => undefined, (e: unknown) => e);
    expect(isAllianceError(err, ErrorCode.ConfigInvalid), String(err)).toBe(true);
    expect(String(err)).toMatch(/alliance\.extremism\.fr\.alert/);
    const info = await admin.jsm.streams.info(StreamName.extremism, { subjects_filter: ">" });
    expect(info.state.subjects?.["alliance.extremism.fr.alert"]).toBe(20);
    expect(info.config.max_msgs_per_subject).toBe(config.quotas.channelPerSubjectMaxMsgs);
  });

  it("a message over the body bound plus headers is refused at the broker; one just over the bound still arrives as evidence", async () => {
    const limit = streamMaxMsgSize(config.bounds, config.quotas);
    const err = await fr.js.publish("alliance.border.fr.practice", junk(limit + 1), { msgID: randomUUID(), retries: 0 }).then(() => undefined, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/message size exceeds maximum allowed/i);
    await fr.js.publish("alliance.border.fr.practice", junk(config.bounds.maxBodyBytes + 1), { msgID: randomUUID() });
  });

  it("a member publishes only the kinds of the protocol: a subject of its own invention is refused", async () => {
    const err = await fr.js.publish(`alliance.crime.fr.junk${Date.now()}`, junk(10), { retries: 0 }).then(() => undefined, (e: unknown) => e);
    expect(permissionViolation(err)?.operation).toBe("publish");
  });

  it("a member at its caps on every kind has not filled the stream: the others publish, the monitor names it, the operator removes its messages without a restart", async () => {
    // The largest messages on every kind, until refused at each cap.
    for (const kind of PriorityKind.options) await flood(`alliance.crime.fr.${kind}`, config.bounds.maxBodyBytes);
    // The stream holds every member's full share (config validation): es is not refused.
    expect((await esPublishes()).stream).toBe(StreamName.crime);
    // The monitor, as its own identity, names the member at its quota.
    const monitor = await secure.open("monitor");
    try {
      const sample = await collectSample(monitor.jsm);
      const checks = evaluateRules({
        now: Date.now(), thresholds: config.monitor.thresholds, streams: sample.streams.map((st) => ({ ...st, channel: st.name, title: st.name })), consumers: [], missing: [],
        quarantine: { lastMinute: 0 }, advisories: { counts: [], latest: [] }, collector: {}, members: [{ code: "fr", en: "France", native: "France" }], ...(sample.storage ? { storage: sample.storage } : {}),
      });
      expect(checks.find((c) => c.rule === Rule.Storage && c.stream === StreamName.crime)).toMatchObject({ level: "warn", member: "fr" });
      expect(checks.find((c) => c.rule === Rule.StreamLimits && c.stream === StreamName.crime)?.level).toBe("ok");
      expect(sample.storage?.account.limit).toBe(config.quotas.accountMaxFileBytes);
      expect(checks.find((c) => c.rule === Rule.Storage && !c.stream)?.message).toMatch(/The alliance account uses/);
    } finally {
      await monitor.close();
    }
    const used = (await admin.jsm.getAccountInfo()).storage;
    const removed = await removeSubjectMessages(admin.js, admin.jsm, StreamName.crime, "alliance.crime.fr.>", testLog);
    expect(removed.messages).toBeGreaterThan(40);
    // fr's caps are free again, and the account's usage went down with it (a filtered purge would have left it counted).
    expect((await fr.js.publish("alliance.crime.fr.bulletin", junk(1024), { msgID: randomUUID() })).stream).toBe(StreamName.crime);
    expect((await admin.jsm.getAccountInfo()).storage).toBeLessThan(used - 10 * MiB);
  });

  it("after a filtered purge on a server that keeps its space counted, resync-usage recounts it with two reloads, no restart", async () => {
    for (const kind of ["bulletin", "alert"]) await flood(`alliance.crime.fr.${kind}`, config.bounds.maxBodyBytes);
    const sumOfStreams = async () => {
      let total = 0;
      for await (const s of admin.jsm.streams.list()) total += s.state.bytes;
      return total;
    };
    await admin.jsm.streams.purge(StreamName.crime, { filter: "alliance.crime.fr.>" });
    const leaked = (await admin.jsm.getAccountInfo()).storage - (await sumOfStreams());
    // nats-server 2.9.10 keeps it counted (nats-io/nats-server#3876, fixed in 2.9.15).
    if (leaked < MiB) return;
    await resyncJetStreamUsage({ config, credsDir: secure.security.auth.dir, server: { pid: secure.server.process.pid!, httpPort: secure.server.httpPort }, log: testLog });
    await waitFor("JetStream to be back for the account, its usage recounted", async () => {
      const info = await admin.jsm.getAccountInfo().catch(() => undefined);
      return info !== undefined && Math.abs(info.storage - (await sumOfStreams())) < MiB;
    }, 180_000);
    expect((await esPublishes()).stream).toBe(StreamName.crime);
  });
});
