import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFullRestart } from "./scenarios/full-restart.js";
import { recordResult } from "./scenarios/summary.js";
import { clusterConfig, FAULT_SUBSCRIBER, startWorld, type FaultWorld } from "./scenarios/world.js";

let world: FaultWorld;
beforeAll(async () => {
  world = await startWorld(clusterConfig({ subscriber: FAULT_SUBSCRIBER }));
});
afterAll(async () => {
  await world?.close();
});

describe("cluster faults - case 2: kill -9 of all three nodes", () => {
  it("full restart - every acknowledged message and every consumer is back, and the desks resume without a repeat", async () => {
    const report = await runFullRestart(world, { publishers: ["fr", "es"], perPublisher: 1_000 });
    recordResult({
      case: "2 kill -9 all nodes, restart", messages: report.messages, lost: report.lost.length, duplicated: report.duplicated.length,
      recoveryMs: report.recoveryMs,
      note: `${report.ackedAtCrash} acked before the crash; consumers back: ${report.consumers.filter((c) => c.after).length}/${report.consumers.length}` +
        `; ack floors ${report.consumers.map((c) => `${c.before.ackFloor}→${c.after?.ackFloor ?? "?"}`).join(", ")}`,
    });
    expect(report.unacked).toBe(0);
    expect(report.acked).toBeGreaterThan(report.ackedAtCrash);
    expect(report.lost).toEqual([]);
    expect(report.staleAcks).toEqual([]);
    expect(report.duplicated).toEqual([]);
    expect(report.outOfOrder).toEqual([]);
    // Both desks: the one running through the crash, and the one stopped before it and resumed.
    expect(report.unhandled).toEqual([]);
    expect(report.handledTwice).toEqual([]);
    expect(report.rejected).toEqual([]);
    // Every consumer is back with its settings. Its position may have moved back a little (acks
    // its leader had not yet replicated die with every node at once): those messages come again,
    // and the processed record acknowledges them without running the handler (handledTwice above).
    for (const consumer of report.consumers) {
      expect(consumer.after, `consumer ${consumer.name} after the restart`).toBeDefined();
      expect(consumer.after!.config).toBe(consumer.before.config);
    }
    // Every node's replica holds every message and knows both consumers.
    for (const replica of report.replicas) {
      expect(replica.messages).toBe(report.acked);
      expect(replica.consumers).toEqual(expect.arrayContaining(report.consumers.map((c) => c.name)));
    }
  });
});
