import { setTimeout as sleep } from "node:timers/promises";
import { listQuarantine, type QuarantineEntry } from "../../../services/bus/admin/quarantine-report.js";
import { Reason } from "../../../services/bus/wire/reasons.js";
import { signEvent } from "../../../services/bus/wire/sign.js";
import type { Rejection } from "../../../services/bus/consume/subscriber.js";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { waitFor } from "../../helpers/collect.js";
import { crimeBulletin, openDesk, openPublisher } from "./desk.js";
import type { FaultWorld } from "./world.js";

export interface PoisonReport {
  readonly poisonId: string;
  readonly poisonSeq: number;
  /** Each attempt at the poison message: its delivery count and when it started. */
  readonly attempts: { deliveryCount: number; at: number }[];
  /** Gaps between consecutive attempts, in ms. */
  readonly gapsMs: number[];
  /** The quarantine entries for the poison message's stream position. */
  readonly quarantined: QuarantineEntry[];
  readonly rejected: Rejection[];
  /** Messages published before and after the poison one: how often each was handled. */
  readonly others: { id: string; runs: number }[];
  /** From the first attempt to the quarantine copy. */
  readonly quarantineAfterMs: number;
}

/**
 * Case 6: a message whose handler always fails (a "poison" message) among good ones. The
 * subscriber must try it exactly max-deliver times, waiting the configured backoff between tries,
 * then copy it to quarantine and terminate it, and keep handling everything else meanwhile.
 */
export async function runPoison(world: FaultWorld, options: { others: number }): Promise<PoisonReport> {
  const { config, admin, members } = world;
  const publisher = await openPublisher(world, "fr");
  const poison = await signEvent(members.signers.fr!, crimeBulletin(), config.bounds);
  const attempts: PoisonReport["attempts"] = [];
  const runs = new Map<string, number>();
  const rejected: Rejection[] = [];
  const desk = await openDesk(world, await world.connect("faults-poison-desk"), {
    stream: StreamName.crime, durable: "faults-poison", onRejected: (r) => rejected.push(r),
    handler: async (event, ctx) => {
      if (event.id === poison.id) {
        attempts.push({ deliveryCount: ctx.deliveryCount, at: Date.now() });
        throw new Error("the downstream case system refuses this bulletin");
      }
      runs.set(event.id, (runs.get(event.id) ?? 0) + 1);
    },
  });

  const before: string[] = [];
  for (let i = 0; i < options.others / 2; i++) before.push((await publisher.publish(crimeBulletin())).id);
  const poisonSeq = (await publisher.send(poison)).seq;
  const after: string[] = [];
  for (let i = 0; i < options.others / 2; i++) after.push((await publisher.publish(crimeBulletin())).id);

  const { maxDeliver, backoffSeconds, ackWaitSeconds } = config.subscriber;
  const backoffTotal = Array.from({ length: maxDeliver - 1 }, (_, i) => backoffSeconds[Math.min(i, backoffSeconds.length - 1)]!).reduce((a, b) => a + b, 0);
  await waitFor("the poison message in quarantine", () => rejected.some((r) => r.seq === poisonSeq), (backoffTotal + ackWaitSeconds * maxDeliver) * 1000 + 60_000);
  const quarantineAfterMs = Date.now() - attempts[0]!.at;
  // The consumer goes on: a message published after the quarantine is handled too.
  after.push((await publisher.publish(crimeBulletin())).id);
  await waitFor("every other message handled", () => [...before, ...after].every((id) => runs.has(id)), 60_000);
  // Past the longest backoff and another ack wait: an attempt beyond max-deliver would show now.
  await sleep((Math.max(...backoffSeconds) + ackWaitSeconds) * 1000 + 1_000);
  await desk.stop();

  const quarantined = (await listQuarantine(admin.js, admin.jsm, Reason.MaxDeliveries)).filter((e) => e.originalStream === StreamName.crime && e.originalSeq === poisonSeq);
  return {
    poisonId: poison.id, poisonSeq, attempts, quarantined, rejected, quarantineAfterMs,
    gapsMs: attempts.slice(1).map((a, i) => a.at - attempts[i]!.at),
    others: [...before, ...after].map((id) => ({ id, runs: runs.get(id) ?? 0 })),
  };
}

/** The backoff the subscriber should wait before attempt `n + 1` (after the n-th failure). */
export function expectedBackoffMs(backoffSeconds: readonly number[], n: number): number {
  return backoffSeconds[Math.min(n - 1, backoffSeconds.length - 1)]! * 1000;
}
