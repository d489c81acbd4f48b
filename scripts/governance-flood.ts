/**
 * Measures what a flood of junk on one member's governance subjects does to another member's
 * genuine vote (issue 11, docs/security.md "Governance under flood"): a real nats-server, the
 * secretariat service, one member (fr) publishing junk at full speed on every governance subject
 * it may use, another (es) casting the vote that decides an admission. Prints the flood rate, the
 * secretariat's rate of refusing junk, and how long after its publish the vote took effect.
 *
 *     npx tsx scripts/governance-flood.ts [junk] [size] [kind] [when]
 *
 * - junk: messages (default: fr's whole quota, member kinds × quotas.governancePerSubjectMaxMsgs);
 * - size: bytes of each junk body (default quotas.governanceMaxBodyBytes, the largest the stream takes);
 * - kind: `unsigned` (the cheapest: refused at the signature header), `signed` (a body of `size`
 *   bytes signed with fr's own valid key: hashed and verified, then refused as schema), or
 *   `refused` (well-formed vote-cast events signed by fr on a matter that does not exist: verified,
 *   folded, refused, recorded and answered — the most expensive per message);
 * - when: `ahead` (default: the junk is all stored before the vote and before the secretariat
 *   reads it, the worst case) or `during` (the vote is cast half-way through the flood).
 *
 *     npx tsx scripts/governance-flood.ts channel [junk=2000]
 *
 * instead floods fr's eight crime subjects with the largest message the stream takes while es
 * publishes a signed bulletin every 50 ms, and prints es's publish times.
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { kindsPublishableBy } from "../schemas/governance/common.js";
import { openBus } from "../services/bus/core/bus.js";
import { loadConfig } from "../services/bus/core/config.js";
import { Header } from "../services/bus/wire/headers.js";
import { signDetached } from "../services/bus/wire/jws.js";
import { signEvent } from "../services/bus/wire/sign.js";
import { createSecretariat, type Secretariat } from "../services/secretariat/index.js";
import { makeMembers } from "../test/helpers/fixtures.js";
import { openTestBus, startTestServer, testLog } from "../test/helpers/nats.js";
import { applicationData, FOUNDERS, publishGov } from "../test/helpers/secretariat.js";

const config = loadConfig();
const kinds = kindsPublishableBy("member");
const total = Number(process.argv[2] ?? kinds.length * config.quotas.governancePerSubjectMaxMsgs);
const size = Number(process.argv[3] ?? config.quotas.governanceMaxBodyBytes);
const junkKind = (process.argv[4] ?? "signed") as "unsigned" | "signed" | "refused";
const when = (process.argv[5] ?? "ahead") as "ahead" | "during";
const members = await makeMembers([...FOUNDERS, "sec"]);
const server = await startTestServer();
const bus = await openTestBus(server.url, config);
const flooder = await openBus({ servers: server.url, name: "flooder", config, log: testLog });
const startSecretariat = async () => {
  const s = createSecretariat({ config, bus, log: testLog, signer: members.signers.sec!, founding: members.publicJwks });
  await s.start();
  return s;
};
let secretariat: Secretariat = await startSecretariat();

/** The junk messages: subject, body, headers. */
async function junkMessages(): Promise<{ subject: string; body: Uint8Array; headers: Record<string, string> }[]> {
  const fr = members.signers.fr!;
  if (junkKind === "refused") {
    const out = [];
    for (let i = 0; i < total; i++) {
      const signed = await signEvent(fr, { channel: "secretariat", kind: "vote-cast", data: { on: "application", matter: randomUUID(), vote: "approve" }, tlp: "GREEN", lang: "fr" }, config.bounds);
      out.push({ subject: signed.subject, body: signed.body, headers: { ...signed.headers } });
    }
    return out;
  }
  const body = new TextEncoder().encode(JSON.stringify({ junk: "x".repeat(Math.max(0, size - 12)) }));
  const signature = junkKind === "signed" ? await signDetached(body, fr.kid, fr.key) : undefined;
  return Array.from({ length: total }, (_, i) => ({
    subject: `alliance.secretariat.fr.${kinds[i % kinds.length]}`,
    body,
    headers: { [Header.MsgId]: randomUUID(), ...(signature ? { [Header.Signature]: signature } : {}) },
  }));
}

if (process.argv[2] === "channel") {
  try {
    const n = Number(process.argv[3] ?? 2000);
    const { desiredStreams } = await import("../services/bus/admin/streams.js");
    const { PriorityKind } = await import("../schemas/protocol.js");
    const { createPublisher } = await import("../services/bus/publish/publisher.js");
    const { sampleCrimeBulletin } = await import("../test/helpers/fixtures.js");
    const limit = desiredStreams(config.bounds, config.quotas).find((st) => st.name === "ALLIANCE_CRIME")!.max_msg_size!;
    const payload = new Uint8Array(limit - 128).fill(0x7b);
    const es = createPublisher({ js: bus.js, signer: members.signers.es!, bounds: config.bounds, log: testLog });
    let done = false;
    const times: number[] = [];
    const publishing = (async () => {
      while (!done) {
        const t = Date.now();
        await es.publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "es", data: sampleCrimeBulletin() });
        times.push(Date.now() - t);
        await sleep(50);
      }
    })();
    const startedAt = Date.now();
    const inFlight = new Set<Promise<unknown>>();
    let sent = 0;
    for (let i = 0; i < n; i++) {
      const p = flooder.js.publish(`alliance.crime.fr.${PriorityKind.options[i % PriorityKind.options.length]}`, payload, { msgID: randomUUID(), retries: 0 }).then(() => sent++, () => undefined);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const seconds = (Date.now() - startedAt) / 1000;
    done = true;
    await publishing;
    times.sort((a, b) => a - b);
    process.stdout.write(`${JSON.stringify({ flood: n, size: payload.length, stored: sent, floodPerSecond: Math.round(sent / seconds), floodMBps: Math.round((sent * payload.length) / seconds / 1e6), esPublishes: times.length, esMedianMs: times[Math.floor(times.length / 2)], esMaxMs: times[times.length - 1], load: loadavg().map((l) => l.toFixed(1)).join(" ") })}\n`);
  } finally {
    await secretariat.stop();
    await flooder.close();
    await bus.close();
    await server.stop();
  }
  process.exit(0);
}

try {
  const gov = (signer: string, kind: string, data: unknown) => publishGov(bus, members.signers[signer]!, config.bounds, testLog, kind, data);
  const applied = await gov("sec", "membership-applied", applicationData("jo"));
  for (const voter of FOUNDERS.filter((v) => v !== "es")) await gov(voter, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
  while (Object.keys(secretariat.state().matters[applied.id]?.votes ?? {}).length < FOUNDERS.length - 1) await sleep(20);
  const junk = await junkMessages();
  if (when === "ahead") await secretariat.stop();

  const startedAt = Date.now();
  let sent = 0;
  let refused = 0;
  const flood = (async () => {
    const inFlight = new Set<Promise<unknown>>();
    for (const m of junk) {
      const h = natsHeaders();
      for (const [k, v] of Object.entries(m.headers)) h.set(k, v);
      const p = flooder.js.publish(m.subject, m.body, { headers: h, msgID: m.headers[Header.MsgId]!, retries: 0 }).then(() => sent++, () => refused++);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 256) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();
  if (when === "during") while (sent + refused < total / 2) await sleep(5);
  else await flood;
  const floodRate = sent / ((Date.now() - startedAt) / 1000);
  const foldedBefore = when === "ahead" ? (await bus.jsm.streams.info("ALLIANCE_SECRETARIAT")).state.last_seq - sent : secretariat.state().lastSeq;
  const vote = await gov("es", "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
  const votedAt = Date.now();
  const cpuBefore = process.cpuUsage();
  if (when === "ahead") secretariat = await startSecretariat();
  while (secretariat.state().lastSeq < vote.seq) await sleep(2);
  const voteDelay = Date.now() - votedAt;
  const cpu = process.cpuUsage(cpuBefore);
  while (secretariat.state().members.jo?.status !== "active") await sleep(5);
  const admittedDelay = Date.now() - votedAt;
  await flood;
  const foldRate = (vote.seq - foldedBefore) / (voteDelay / 1000);
  process.stdout.write(`${JSON.stringify({ junk: total, size: junk[0]!.body.length, kind: junkKind, when, stored: sent, refusedByBroker: refused, floodPerSecond: Math.round(floodRate), junkAheadOfVote: vote.seq - foldedBefore - 1, secretariatPerSecond: Math.round(foldRate), voteEffectMs: voteDelay, processCpuMs: Math.round((cpu.user + cpu.system) / 1000), admissionMs: admittedDelay, load: loadavg().map((l) => l.toFixed(1)).join(" ") })}\n`);
} finally {
  await secretariat.stop();
  await flooder.close();
  await bus.close();
  await server.stop();
}
