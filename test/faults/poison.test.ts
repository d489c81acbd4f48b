import { afterAll, beforeAll, describe, it } from "vitest";
import { expectPoisonQuarantined } from "./scenarios/expectations.js";
import { runPoison } from "./scenarios/poison.js";
import { recordResult } from "./scenarios/summary.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "./scenarios/world.js";

let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }));
});
afterAll(async () => {
  await world?.close();
});

describe("cluster faults - case 6: a poison message", () => {
  it("poison - exactly max-deliver attempts with backoff, then quarantine, while the consumer handles everything else", async () => {
    const report = await runPoison(world, { others: 200 });
    recordResult({
      case: "6 poison message", messages: report.others.length + 1, lost: report.others.filter((o) => o.runs === 0).length,
      duplicated: report.others.filter((o) => o.runs > 1).length, recoveryMs: report.quarantineAfterMs,
      note: `${report.attempts.length} attempts, gaps ${report.gapsMs.map((g) => (g / 1000).toFixed(1)).join("/")} s, then quarantined`,
    });
    expectPoisonQuarantined(report, world.config.subscriber);
  });
});
