/**
 * Measures what a flood of junk on one member's governance subjects does to another member's
 * genuine vote (issue 11, docs/security.md "Governance under flood"): a real nats-server, the
 * secretariat service, one member publishing junk at full speed, another casting the vote that
 * decides an admission in the middle of it. Prints the flood rate, the secretariat's rate of
 * refusing junk, and how long after its publish the vote took effect.
 *
 *     npx tsx scripts/governance-flood.ts [junk=20000] [size=1024]
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { openBus } from "../services/bus/core/bus.js";
import { loadConfig } from "../services/bus/core/config.js";
import { createSecretariat } from "../services/secretariat/index.js";
import { SECRETARIAT_KINDS } from "../schemas/governance/common.js";
import { makeMembers } from "../test/helpers/fixtures.js";
import { openTestBus, startTestServer, testLog } from "../test/helpers/nats.js";
import { applicationData, FOUNDERS, publishGov } from "../test/helpers/secretariat.js";

const total = Number(process.argv[2] ?? 20_000);
const size = Number(process.argv[3] ?? 1024);
const config = loadConfig();
const members = await makeMembers([...FOUNDERS, "sec"]);
const server = await startTestServer();
const bus = await openTestBus(server.url, config);
const flooder = await openBus({ servers: server.url, name: "flooder", config, log: testLog });
const secretariat = createSecretariat({ config, bus, log: testLog, signer: members.signers.sec!, founding: members.publicJwks });
await secretariat.start();
try {
  const gov = (signer: string, kind: string, data: unknown) => publishGov(bus, members.signers[signer]!, config.bounds, testLog, kind, data);
  const applied = await gov("sec", "membership-applied", applicationData("jo"));
  for (const voter of FOUNDERS.filter((v) => v !== "es")) await gov(voter, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
  while (Object.keys(secretariat.state().matters[applied.id]?.votes ?? {}).length < FOUNDERS.length - 1) await sleep(20);

  // The flood: junk bodies on every governance subject fr may use, as fast as the server takes them.
  const junk = new Uint8Array(size).fill(0x7b);
  const kinds = SECRETARIAT_KINDS;
  const startedAt = Date.now();
  let sent = 0;
  const flood = (async () => {
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i++) {
      const p = flooder.js.publish(`alliance.secretariat.fr.${kinds[i % kinds.length]}`, junk, { msgID: randomUUID(), retries: 0 }).then(() => sent++, () => undefined);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 256) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  })();
  // The genuine vote, once the flood is well under way.
  while (sent < total / 2) await sleep(5);
  const floodRate = sent / ((Date.now() - startedAt) / 1000);
  const foldedBefore = secretariat.state().lastSeq;
  const vote = await gov("es", "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
  const votedAt = Date.now();
  while (secretariat.state().lastSeq < vote.seq) await sleep(2);
  const voteDelay = Date.now() - votedAt;
  while (secretariat.state().members.jo?.status !== "active") await sleep(5);
  const admittedDelay = Date.now() - votedAt;
  await flood;
  const foldRate = (vote.seq - foldedBefore) / (voteDelay / 1000);
  process.stdout.write(`${JSON.stringify({ junk: total, size, floodPerSecond: Math.round(floodRate), junkAheadOfVote: vote.seq - foldedBefore, secretariatPerSecond: Math.round(foldRate), voteEffectMs: voteDelay, admissionMs: admittedDelay })}\n`);
} finally {
  await secretariat.stop();
  await flooder.close();
  await bus.close();
  await server.stop();
}
