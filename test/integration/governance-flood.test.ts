import { randomUUID } from "node:crypto";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRETARIAT_KINDS } from "../../schemas/governance/common.js";
import { openBus, type Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createSecretariat, type Secretariat } from "../../services/secretariat/index.js";
import { GOVERNANCE_COPIES_PER_MINUTE } from "../../services/secretariat/rejected-batch.js";
import { ViewBucket } from "../../services/secretariat/views.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { applicationData, FOUNDERS, publishGov } from "../helpers/secretariat.js";

/**
 * Issue 11: a member flooding its governance subjects with junk at full speed does not stop
 * another member's vote from taking effect. How long it takes is measured by
 * scripts/governance-flood.ts (docs/security.md); here, the outcome and the fast path's shape:
 * no view write and no quarantine copy per junk message, every original kept in the record.
 */
const JUNK = 3_000;
const config = loadConfig();
const members = await makeMembers([...FOUNDERS, "sec"]);

let server: TestServer;
let bus: Bus;
let flooder: Bus;
let secretariat: Secretariat;
beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  flooder = await openBus({ servers: server.url, name: "flooder", config, log: testLog });
  secretariat = createSecretariat({ config, bus, log: testLog, signer: members.signers.sec!, founding: members.publicJwks });
  await secretariat.start();
});
afterAll(async () => {
  await secretariat?.stop();
  await flooder?.close();
  await bus?.close();
  await server?.stop();
});

const gov = (signer: string, kind: string, data: unknown) => publishGov(bus, members.signers[signer]!, config.bounds, testLog, kind, data);

describe("governance under flood", () => {
  it("a genuine vote takes effect while another member floods its governance subjects with junk", async () => {
    const applied = await gov("sec", "membership-applied", applicationData("jo"));
    for (const voter of FOUNDERS.filter((v) => v !== "es")) await gov(voter, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
    await waitFor("six votes folded", () => Object.keys(secretariat.state().matters[applied.id]?.votes ?? {}).length === FOUNDERS.length - 1, 180_000);
    const meta = await new Kvm(bus.js).open(ViewBucket.governance);
    const metaBefore = (await meta.get("meta"))!.revision;

    const junk = new Uint8Array(1024).fill(0x7b);
    const inFlight = new Set<Promise<unknown>>();
    let stored = 0;
    let vote: Promise<{ id: string; seq: number }> | undefined;
    for (let i = 0; i < JUNK; i++) {
      const p = flooder.js.publish(`alliance.secretariat.fr.${SECRETARIAT_KINDS[i % SECRETARIAT_KINDS.length]}`, junk, { msgID: randomUUID() }).then(() => stored++);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size >= 256) await Promise.race(inFlight);
      // es's deciding vote, in the middle of the flood.
      if (i === JUNK / 2) vote = gov("es", "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
    }
    await Promise.all(inFlight);
    await vote;
    expect(stored).toBe(JUNK);
    await waitFor("the vote to take effect: jo admitted", () => secretariat.state().members.jo?.status === "active", 120_000);

    // Every original is in the record; the views caught up without one write per junk message.
    const info = await bus.jsm.streams.info(StreamName.secretariat, { subjects_filter: "alliance.secretariat.fr.>" });
    expect(Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(JUNK + 1);
    await waitFor("the views at the stream's end", async () => (await meta.get("meta"))!.json<{ lastSeq: number }>().lastSeq === (await bus.jsm.streams.info(StreamName.secretariat)).state.last_seq, 180_000);
    expect((await meta.get("meta"))!.revision - metaBefore).toBeLessThan(JUNK / 10);
    // Copies are budgeted per origin: the flood's originals are the evidence, not as many copies.
    const quarantined = await bus.jsm.streams.info(StreamName.quarantine);
    expect(quarantined.state.messages).toBeGreaterThan(0);
    expect(quarantined.state.messages).toBeLessThanOrEqual(2 * GOVERNANCE_COPIES_PER_MINUTE);
  });
});
