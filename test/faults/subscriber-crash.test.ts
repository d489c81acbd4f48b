import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSubscriberCrashHandledOnce } from "./scenarios/expectations.js";
import { runSubscriberCrash } from "./scenarios/subscriber-crash.js";
import { recordResult } from "./scenarios/summary.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "./scenarios/world.js";

let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }));
});
afterAll(async () => {
  await world?.close();
});

describe("cluster faults - case 4: a subscriber killed mid-handler", () => {
  it("subscriber crash - killed mid-handler and in the handler-end → record window: redelivered to the next process, no handler starts before the record is stored, every message handled once (the windowed one once more)", async () => {
    const report = await runSubscriberCrash(world, { messages: 200 });
    recordResult({
      case: "4 kill -9 subscriber mid-handler", messages: report.messages, lost: report.messages - report.completions.size,
      duplicated: [...report.completions.values()].filter((n) => n > 1).length, recoveryMs: report.recoveryMs,
      note: `interrupted message redelivered (delivery ${Math.max(...report.starts.filter(([id]) => id === report.interrupted).map(([, n]) => n))})`,
    });
    expectSubscriberCrashHandledOnce(report);
  });
});
