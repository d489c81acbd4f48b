import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSecretariatCrash, SECRETARIAT_CASE_MEMBERS } from "./scenarios/secretariat-crash.js";
import { recordResult } from "./scenarios/summary.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "./scenarios/world.js";

let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }), SECRETARIAT_CASE_MEMBERS);
});
afterAll(async () => {
  await world?.close();
});

describe("cluster faults - case 5: the secretariat killed between its KV write and its ack", () => {
  it("secretariat crash - the successor does not apply the vote twice, decides once, and its views equal a rebuild from scratch", async () => {
    // Seq 1 is the application, 2..8 the founders' votes: die after writing the fourth vote.
    const report = await runSecretariatCrash(world, { killAtSeq: 5 });
    recordResult({
      case: "5 kill -9 secretariat after KV write", messages: report.published, lost: report.streamLastSeq - (report.views?.lastSeq ?? 0), duplicated: report.decisions > 1 ? report.decisions - 1 : 0,
      recoveryMs: report.recoveryMs, note: `views ${isDeepStrictEqual(report.views, report.rebuilt) ? "equal" : "differ from"} the rebuild; ${report.decisions} decision(s)`,
    });
    // The crash came where it should: views written, the message not acknowledged.
    expect(report.viewsLastSeqAtCrash).toBe(report.killedAtSeq);
    expect(report.ackPendingAtCrash).toBeGreaterThanOrEqual(1);
    expect(report.views).toBeDefined();
    expect(report.views!.lastSeq).toBe(report.streamLastSeq);
    expect(report.views).toEqual(report.rebuilt);
    expect(Object.keys(report.views!.matters).length).toBeGreaterThan(0);
    expect(report.decisions).toBe(1);
  });
});
