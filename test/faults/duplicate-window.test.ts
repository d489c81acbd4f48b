import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Reason } from "../../services/bus/wire/reasons.js";
import { runDuplicateWindow } from "./scenarios/duplicate-window.js";
import { recordResult } from "./scenarios/summary.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "./scenarios/world.js";

let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }));
});
afterAll(async () => {
  await world?.close();
});

describe("cluster faults - case 7: a publish retried after the duplicate window", () => {
  it("duplicate window - a retry inside the window is dropped by JetStream; one after it is stored twice and handled once", async () => {
    const report = await runDuplicateWindow(world, { windowSeconds: 2 });
    recordResult({
      case: "7 retry after duplicate window", messages: 1, lost: report.storedAt.length === 0 ? 1 : 0, duplicated: report.handlerRuns > 1 ? 1 : 0,
      note: `stored at ${report.storedAt.join(", ")}; handled ${report.handlerRuns}×; second copy quarantined as ${report.rejected.map((r) => r.reason).join(", ")}`,
    });
    expect(report.insideDuplicate).toBe(true);
    expect(report.insideSeq).toBe(report.firstSeq);
    expect(report.afterSeq).not.toBe(report.firstSeq);
    expect(report.storedAt).toEqual([report.firstSeq, report.afterSeq]);
    expect(report.handlerRuns).toBe(1);
    expect(report.rejected.map((r) => ({ reason: r.reason, seq: r.seq }))).toEqual([{ reason: Reason.Duplicate, seq: report.afterSeq }]);
  });
});
