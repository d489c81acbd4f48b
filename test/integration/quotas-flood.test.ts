import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindsPublishableBy } from "../../schemas/governance/common.js";
import { PriorityChannel, PriorityKind } from "../../schemas/protocol.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { desiredStreams } from "../../services/bus/admin/streams.js";
import { processedBucket } from "../../services/bus/consume/idempotency.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { ALL_REASONS } from "../../services/bus/wire/reasons.js";
import { eventSubject, quarantineSubject, StreamName } from "../../services/bus/wire/subjects.js";
import { collectSample } from "../../services/monitor/collect.js";
import { evaluateRules } from "../../services/monitor/rules.js";
import { Rule } from "../../services/monitor/view.js";
import { createSecretariat, type Secretariat } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { testLog } from "../helpers/nats.js";
import { fairShareTestConfig } from "../helpers/quotas.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";
import { applicationData, FOUNDERS, publishGov } from "../helpers/secretariat.js";

/**
 * Issue 11, first "done when": one member (fr) floods at full speed, the largest message each
 * stream takes on every subject it may publish (each kind of each priority channel, each of its
 * governance kinds, each quarantine reason, its own processed-record bucket), until the broker
 * refuses it everywhere. Another member's signed publish is still accepted, a genuine vote still
 * takes effect in the secretariat, and the monitor names fr. The guarantee is by construction:
 * every stream holds maxMembers members' full shares (schemas/quotas.ts, config validation), so
 * a member at its caps has not filled anything the others need. Small quotas, sized by the same
 * arithmetic, so that the flood is over in a moment; how fast the vote takes effect under a flood
 * is measured by scripts/governance-flood.ts (docs/security.md), not asserted here.
 */
const config = fairShareTestConfig();
const members = await makeMembers([...FOUNDERS, "sec"]);
const maxSize = new Map(desiredStreams(config.bounds, config.quotas).map((s) => [s.name, s.max_msg_size!]));

let secure: SecureTestServer;
let fr: Bus;
let ae: Bus;
let es: Bus;
let sec: Bus;
let secretariat: Secretariat;
beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  [fr, ae, es, sec] = await Promise.all([secure.open("fr"), secure.open("ae"), secure.open("es"), secure.open("sec")]);
  secretariat = createSecretariat({ config, bus: sec, log: testLog, signer: members.signers.sec!, founding: members.publicJwks });
  await secretariat.start();
}, 180_000);
afterAll(async () => {
  await secretariat?.stop();
  await Promise.all([fr?.close(), ae?.close(), es?.close(), sec?.close()]);
  await secure?.stop();
});

/**
 * Publishes the largest message `stream` takes on `subject` until the broker refuses, then smaller
 * and smaller ones into whatever room is left (as a flooder would), until refused at the
 * subject's cap or with nothing left to fit; what it stored and the last refusal.
 */
async function fill(subject: string, stream: string): Promise<{ stored: number; refusal: string }> {
  // The message's headers (its id) count in max_msg_size too.
  let size = maxSize.get(stream)! - 128;
  let stored = 0;
  for (;;) {
    const err = await fr.js.publish(subject, new Uint8Array(size).fill(0x7b), { msgID: randomUUID(), retries: 0 }).then(() => undefined, (e: unknown) => e as Error);
    if (!err) {
      stored++;
      continue;
    }
    if (/maximum messages per subject exceeded/i.test(err.message) || size < 64) return { stored, refusal: err.message };
    size = Math.floor(size / 2);
  }
}

describe("quotas - one member flooding at full speed cannot starve the others", () => {
  it("fr fills every subject it may publish until refused everywhere; ae's and es's publishes are accepted, ae's vote folds, the monitor names fr", async () => {
    const applied = await publishGov(sec, members.signers.sec!, config.bounds, testLog, "membership-applied", applicationData("jo"));

    const subjects: { subject: string; stream: string; cap: number }[] = [
      ...PriorityChannel.options.flatMap((channel) => PriorityKind.options.map((kind) => ({ subject: eventSubject(channel, "fr", kind), stream: StreamName[channel], cap: config.quotas.channelPerSubjectMaxMsgs }))),
      ...kindsPublishableBy("member").map((kind) => ({ subject: eventSubject("secretariat", "fr", kind), stream: StreamName.secretariat, cap: config.quotas.governancePerSubjectMaxMsgs })),
      ...ALL_REASONS.map((reason) => ({ subject: quarantineSubject("fr", reason), stream: StreamName.quarantine, cap: config.quotas.quarantinePerSubjectMaxMsgs })),
    ];
    const results = await Promise.all(subjects.map(async (s) => ({ ...s, ...(await fill(s.subject, s.stream)) })));
    for (const r of results) {
      expect(r.stored, r.subject).toBe(r.cap);
      expect(r.refusal, r.subject).toMatch(/maximum messages per subject exceeded/i);
    }
    // Its own processed-record bucket, with keys of its choosing: refused at the bucket's own limit.
    const kv = { stored: 0, refusal: "" };
    const value = new Uint8Array(32 * 1024).fill(0x7b);
    for (let i = 0; kv.refusal === "" && i < 10_000; i++) {
      const err = await fr.js.publish(`$KV.${processedBucket("fr")}.fr-tracking.junk-${i}`, value, { retries: 0 }).then(() => undefined, (e: unknown) => e as Error);
      if (err) kv.refusal = err.message;
      else kv.stored++;
    }
    expect(kv.refusal).toMatch(/maximum bytes exceeded/i);

    // Another member's signed publish, on the very stream fr filled its share of.
    const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "es" as const, data: sampleCrimeBulletin() };
    expect((await createPublisher({ js: es.js, signer: members.signers.es!, bounds: config.bounds, log: testLog }).publish(bulletin)).stream).toBe(StreamName.crime);
    // A genuine vote behind fr's junk on the governance stream takes effect.
    const vote = await publishGov(ae, members.signers.ae!, config.bounds, testLog, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
    await waitFor("ae's vote folded", () => secretariat.state().lastSeq >= vote.seq, 120_000);
    expect(secretariat.state().matters[applied.id]?.votes).toHaveProperty("ae");

    // The monitor, as its own identity, names fr on every stream it flooded; the streams are not full.
    const monitor = await secure.open("monitor");
    try {
      const sample = await collectSample(monitor.jsm);
      const checks = evaluateRules({
        now: Date.now(), thresholds: config.monitor.thresholds, streams: sample.streams.map((st) => ({ ...st, channel: st.name, title: st.name })), consumers: [], missing: [],
        quarantine: { lastMinute: 0 }, advisories: { counts: [], latest: [] }, collector: {}, members: [{ code: "fr", en: "France", native: "France" }], ...(sample.storage ? { storage: sample.storage } : {}),
      });
      const named = checks.filter((c) => c.rule === Rule.Storage && c.member === "fr");
      expect(named.map((c) => c.stream).sort()).toEqual([StreamName.border, StreamName.crime, StreamName.extremism, StreamName.quarantine, StreamName.secretariat].sort());
      expect(named.find((c) => c.stream === StreamName.crime)?.message).toMatch(/France \(fr\) is at its quota on ALLIANCE_CRIME: 8 of its subjects/);
      expect(checks.filter((c) => c.rule === Rule.StreamLimits && c.level !== "ok")).toEqual([]);
    } finally {
      await monitor.close();
    }
  });
});
