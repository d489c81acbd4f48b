import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBus } from "../../services/bus/core/bus.js";
import { expectLeaderKillClean, expectPoisonQuarantined, expectSubscriberCrashHandledOnce } from "../faults/scenarios/expectations.js";
import { runLeaderKill } from "../faults/scenarios/leader-kill.js";
import { runPoison } from "../faults/scenarios/poison.js";
import { runSubscriberCrash } from "../faults/scenarios/subscriber-crash.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "../faults/scenarios/world.js";
import { testLog } from "../helpers/nats.js";

/**
 * Cases 1, 4 and 6 of the fault suite in a small size, on a real 3-node cluster, for `npm test`;
 * `npm run test:faults` runs all seven cases at full size (test/faults/).
 */
let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }));
}, 120_000);
afterAll(async () => {
  await world?.close();
});

describe("cluster faults (small) - a 3-node cluster with 3 replicas from config", () => {
  it("leader kill - 300 signed publishes through a kill -9 of the stream leader: none lost, none stored or handled twice, order kept", async () => {
    const report = await runLeaderKill(world, { publishers: ["fr", "es"], perPublisher: 150, kills: 1 });
    expectLeaderKillClean(report, { messages: 300, kills: 1 });
  }, 180_000);

  it("subscriber crash - killed mid-handler, then between handler end and record: redelivered, no handler starts before the record is stored, each handled once (the windowed one once more)", async () => {
    expectSubscriberCrashHandledOnce(await runSubscriberCrash(world, { messages: 30 }));
  }, 180_000);

  it("poison - exactly max-deliver attempts with backoff, then quarantine, and the consumer goes on", async () => {
    expectPoisonQuarantined(await runPoison(world, { others: 20 }), world.config.subscriber);
  }, 120_000);
});

describe("cluster faults (small) - clients", () => {
  it("connect - a comma-separated server list (as NATS_URL may hold) reaches the cluster while its first node is down", async () => {
    const [first] = world.cluster.nodes;
    await world.cluster.kill(first!.name);
    try {
      const bus = await openBus({ servers: world.cluster.urls.join(","), name: "faults-comma-list", config: world.config, log: testLog });
      try {
        expect(bus.nc.getServer()).not.toBe(`127.0.0.1:${first!.port}`);
        // A round trip through the node it reached (a stream request could meet an election).
        expect(await bus.nc.rtt()).toBeGreaterThanOrEqual(0);
      } finally {
        await bus.close();
      }
    } finally {
      await world.cluster.restart(first!.name);
      await world.cluster.waitForMetaLeader();
    }
  }, 120_000);
});
