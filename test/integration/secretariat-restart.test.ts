import { Kvm } from "@nats-io/kv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createSecretariat, readViews, rebuildFromStream, ViewBucket, type FaultHooks, type Secretariat } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { applicationData, FOUNDERS, publishGov, streamEvents } from "../helpers/secretariat.js";

const base = loadConfig();
// A short ack wait: the message a killed secretariat held is redelivered to its successor after it.
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, ackWaitSeconds: 2 } });
const members = await makeMembers([...FOUNDERS, "sec"]);
const founding = members.publicJwks;

let server: TestServer;
let buses: Bus[] = [];
let services: Secretariat[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const s of services) await s.stop();
  for (const b of buses) await b.close().catch(() => undefined);
  services = [];
  buses = [];
  await server.stop();
});

async function startSecretariat(faults?: FaultHooks): Promise<{ bus: Bus; service: Secretariat }> {
  const bus = await openTestBus(server.url, config);
  const service = createSecretariat({ config, bus, log: testLog, signer: members.signers.sec!, founding, ...(faults ? { faults } : {}) });
  buses.push(bus);
  services.push(service);
  await service.start();
  return { bus, service };
}

/** Kills a secretariat the way a crash would: its connection drops, nothing more is sent on it. */
function killAt(bus: () => Bus, when: (...args: never[]) => boolean) {
  let killed = false;
  return {
    hook: async (...args: never[]) => {
      if (killed || !when(...args)) return;
      killed = true;
      await bus().nc.close();
      throw new Error("simulated crash");
    },
    killed: () => killed,
  };
}

/** The founders' application-and-votes scenario: seq 1 is the application, 2..8 the votes. */
async function fileAndVote(bus: Bus): Promise<string> {
  const applied = await publishGov(bus, members.signers.sec!, config.bounds, testLog, "membership-applied", applicationData("jo"));
  for (const voter of FOUNDERS) await publishGov(bus, members.signers[voter]!, config.bounds, testLog, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
  return applied.id;
}

async function settled(bus: Bus, service: Secretariat): Promise<void> {
  await waitFor("the secretariat to fold the whole stream", async () => {
    const info = await bus.jsm.streams.info(StreamName.secretariat);
    return service.state().lastSeq === info.state.last_seq && service.state().members.jo?.status === "active";
  }, 180_000);
}

async function expectConsistent(bus: Bus, service: Secretariat, application: string): Promise<void> {
  const stored = await readViews(bus.js);
  expect(stored).toEqual(service.state());
  expect(await rebuildFromStream(bus, { config, founding })).toEqual(stored);
  expect(Object.keys(service.state().matters[application]!.votes)).toHaveLength(FOUNDERS.length);
  const decisions = (await streamEvents(bus)).filter((e) => e.kind === "membership-decided");
  expect(decisions).toHaveLength(1);
}

describe("secretariat restart - killed at each point of handling a message", () => {
  it("restart - killed between the KV write and the ack: the redelivered vote is not applied twice, and the views equal a rebuild", async () => {
    const crash = killAt(() => first.bus, (seq: number) => seq === 8);
    const first = await startSecretariat({ afterViewsWritten: crash.hook as FaultHooks["afterViewsWritten"] });
    const publisher = await openTestBus(server.url, config);
    buses.push(publisher);
    const application = await fileAndVote(publisher);
    await waitFor("the crash", () => crash.killed());
    expect((await readViews(publisher.js))!.lastSeq).toBe(8);
    const pending = await publisher.jsm.consumers.info(StreamName.secretariat, "secretariat");
    expect(pending.num_ack_pending).toBe(1);

    const second = await startSecretariat();
    await settled(second.bus, second.service);
    await expectConsistent(second.bus, second.service, application);
  });

  it("restart - killed after the intent, before the entries: the next start completes the write", async () => {
    const crash = killAt(() => first.bus, (seq: number) => seq === 8);
    const first = await startSecretariat({ afterIntentWritten: crash.hook as FaultHooks["afterIntentWritten"] });
    const publisher = await openTestBus(server.url, config);
    buses.push(publisher);
    const application = await fileAndVote(publisher);
    await waitFor("the crash", () => crash.killed());
    const governance = await new Kvm(publisher.js).open(ViewBucket.governance);
    const raw = (await governance.get(`matter.${application}`))!.json<{ votes: Record<string, unknown> }>();
    expect(Object.keys(raw.votes)).toHaveLength(FOUNDERS.length - 1);
    expect((await governance.get("meta"))!.json()).toMatchObject({ lastSeq: 7, intent: { seq: 8 } });

    const second = await startSecretariat();
    await settled(second.bus, second.service);
    expect((await governance.get("meta"))!.json()).not.toHaveProperty("intent");
    await expectConsistent(second.bus, second.service, application);
  });

  it("restart - killed after publishing a decision, before folding it: the successor folds it and does not decide again", async () => {
    const crash = killAt(() => first.bus, (kind: string) => kind === "membership-decided");
    const first = await startSecretariat({ afterDecisionPublished: crash.hook as FaultHooks["afterDecisionPublished"] });
    const publisher = await openTestBus(server.url, config);
    buses.push(publisher);
    const application = await fileAndVote(publisher);
    await waitFor("the crash", () => crash.killed());
    expect((await readViews(publisher.js))!.members.jo).toBeUndefined();

    const second = await startSecretariat();
    await settled(second.bus, second.service);
    // Longer than the emitter's period: a second decision would have been published by now.
    await new Promise((r) => setTimeout(r, 3_000));
    await expectConsistent(second.bus, second.service, application);
  });

  it("restart - a second secretariat on the same views is refused (compare-and-set), not interleaved", async () => {
    const first = await startSecretariat();
    const publisher = await openTestBus(server.url, config);
    buses.push(publisher);
    const bus = await openTestBus(server.url, config);
    buses.push(bus);
    const rival = createSecretariat({ config, bus, log: testLog, signer: members.signers.sec!, founding, durable: "rival" });
    services.push(rival);
    await rival.start();
    await publishGov(publisher, members.signers.sec!, config.bounds, testLog, "membership-applied", applicationData("jo"));
    const outcome = await Promise.race([first.service.closed.then(() => "stopped", () => "failed"), rival.closed.then(() => "stopped", () => "failed")]);
    expect(outcome).toBe("failed");
  });
});
