import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectLeaderKillClean } from "./scenarios/expectations.js";
import { runLeaderKill } from "./scenarios/leader-kill.js";
import { recordResult } from "./scenarios/summary.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "./scenarios/world.js";

const PUBLISHERS = ["fr", "es", "ma", "it"];
const PER_PUBLISHER = 2_500;
const KILLS = 3;

let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }));
});
afterAll(async () => {
  await world?.close();
});

describe("cluster faults - case 1: kill -9 of the stream leader", () => {
  it("leader kill - 10k signed publishes through three leader kills: none lost, none stored twice, none handled twice, each publisher's order kept", async () => {
    const report = await runLeaderKill(world, { publishers: PUBLISHERS, perPublisher: PER_PUBLISHER, kills: KILLS });
    recordResult({
      case: "1 kill -9 stream leader ×3", messages: report.messages, lost: report.lost.length, duplicated: report.duplicated.length,
      recoveryMs: Math.max(...report.killed.map((k) => k.recoveryMs)),
      note: `${report.retried} publishes retried; handled twice: ${report.handledTwice.length}; longest gap between new events handled ${(Math.max(...report.killed.map((k) => k.subscriberPauseMs)) / 1000).toFixed(1)} s`,
    });
    expectLeaderKillClean(report, { messages: PUBLISHERS.length * PER_PUBLISHER, kills: KILLS });
  });
});
