import { expect } from "vitest";
import { Reason } from "../../../services/bus/wire/reasons.js";
import type { LeaderKillReport } from "./leader-kill.js";
import { expectedBackoffMs, type PoisonReport } from "./poison.js";
import type { SubscriberCrashReport } from "./subscriber-crash.js";

/**
 * The pass criteria of the cases that run both in full (`npm run test:faults`) and small
 * (`npm test`), in one place so that the two sizes assert the same thing.
 */

/** Case 1: 0 acknowledged messages lost, 0 duplicate stream entries, 0 handler runs twice, order kept. */
export function expectLeaderKillClean(report: LeaderKillReport, expected: { messages: number; kills: number }): void {
  expect(report.killed).toHaveLength(expected.kills);
  for (const kill of report.killed) expect(kill.successor).not.toBe(kill.leader);
  expect(report.unacked).toBe(0);
  // At least the planned messages: publishers go on past them if the kills are not all done.
  expect(report.acked).toBeGreaterThanOrEqual(expected.messages);
  expect(report.lost).toEqual([]);
  expect(report.staleAcks).toEqual([]);
  expect(report.duplicated).toEqual([]);
  expect(report.stored).toBe(report.acked);
  expect(report.outOfOrder).toEqual([]);
  expect(report.unhandled).toEqual([]);
  expect(report.handledTwice).toEqual([]);
  expect(report.rejected).toEqual([]);
  // Every node's own copy holds all of them, not only the leader's.
  expect(report.replicas.map((r) => r.messages)).toEqual(report.replicas.map(() => report.acked));
}

/**
 * Case 4: the interrupted message is delivered again, to the new process, and completed once; so
 * is every other, except the one whose record was not stored when its process died: run again by
 * the next process, once. No handler starts while an earlier message's record is not stored.
 */
export function expectSubscriberCrashHandledOnce(report: SubscriberCrashReport): void {
  expect(report.startedInWindow, "handlers started before the windowed message's record was stored").toEqual([]);
  const interruptedStarts = report.starts.filter(([id]) => id === report.interrupted);
  expect(interruptedStarts.map(([, , pid]) => pid)).toEqual([report.killedPid, report.successorPid]);
  expect(interruptedStarts[1]![1]).toBeGreaterThanOrEqual(2);
  expect(report.starts.filter(([id]) => id === report.windowed).map(([, , pid]) => pid)).toEqual([report.windowKilledPid, report.lastPid]);
  expect(report.completions.size).toBe(report.messages);
  expect([...report.completions.entries()].filter(([id, n]) => n !== (id === report.windowed ? 2 : 1))).toEqual([]);
}

/** Case 6: exactly max-deliver attempts, each after its backoff, then quarantine, and the consumer goes on. */
export function expectPoisonQuarantined(report: PoisonReport, settings: { maxDeliver: number; backoffSeconds: readonly number[] }): void {
  expect(report.attempts.map((a) => a.deliveryCount)).toEqual(Array.from({ length: settings.maxDeliver }, (_, i) => i + 1));
  // Lower bounds only: a busy machine may wait longer, never shorter (the server holds the nak delay).
  report.gapsMs.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(expectedBackoffMs(settings.backoffSeconds, i + 1) - 100));
  expect(report.rejected.filter((r) => r.seq === report.poisonSeq).map((r) => r.reason)).toEqual([Reason.MaxDeliveries]);
  expect(report.quarantined).toHaveLength(1);
  expect(report.quarantined[0]).toMatchObject({ reason: Reason.MaxDeliveries, originalSeq: report.poisonSeq });
  expect(report.others.filter((o) => o.runs !== 1)).toEqual([]);
}
