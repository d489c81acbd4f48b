import { setTimeout as sleep } from "node:timers/promises";
import type { Rejection } from "../../../services/bus/consume/subscriber.js";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { streamLeader, waitForReplicasInSync, waitForStreamHealthy, type ReplicaState } from "../../helpers/cluster.js";
import { waitFor } from "../../helpers/collect.js";
import { crimeBulletin, openDesk, openPublisher } from "./desk.js";
import { HandlerLedger, judge, publishSequence, PublishLedger, storedIds, type Findings } from "./ledger.js";
import type { FaultWorld } from "./world.js";

export interface LeaderKillOptions {
  readonly publishers: readonly string[];
  readonly perPublisher: number;
  /** How many times the stream leader is killed while the publishers run. */
  readonly kills: number;
}

export interface LeaderKillReport extends Findings {
  readonly messages: number;
  readonly acked: number;
  readonly unacked: number;
  readonly retried: number;
  /**
   * The leaders killed, in order, each replaced by another: when, how long until publishes were
   * acknowledged again, and the subscriber's longest pause in handling after the kill.
   */
  readonly killed: { leader: string; successor: string; at: number; recoveryMs: number; subscriberPauseMs: number }[];
  readonly rejected: Rejection[];
  readonly stored: number;
  readonly replicas: ReplicaState[];
}

/**
 * Case 1: signed bulletins from several ministries, one after another each, while the crime
 * stream's leader is killed with SIGKILL again and again (each time restarted once a successor is
 * elected, so that the cluster keeps its quorum for the next kill). A durable subscriber handles
 * everything meanwhile.
 */
export async function runLeaderKill(world: FaultWorld, options: LeaderKillOptions): Promise<LeaderKillReport> {
  const { admin, cluster } = world;
  const stream = StreamName.crime;
  const total = options.publishers.length * options.perPublisher;
  const handled = new HandlerLedger();
  const rejected: Rejection[] = [];
  const desk = await openDesk(world, await world.connect("faults-desk"), {
    stream, durable: "faults-leader-kill", handler: handled.handler, onRejected: (r) => rejected.push(r),
  });

  const ledger = new PublishLedger();
  const killed: LeaderKillReport["killed"] = [];
  // Each publisher sends its share and, should the machine outpace the kills, goes on until the
  // last kill is done: a kill must meet publishes in flight, never an idle bus.
  let abandoned = false;
  const progress = { issued: 0, recovering: false };
  const running = Promise.all(options.publishers.map(async (code) => {
    const publisher = await openPublisher(world, code);
    await publishSequence(publisher, code, options.perPublisher, crimeBulletin, ledger, () => !abandoned && (progress.issued < options.kills || progress.recovering));
  }));
  let publishing = true;
  void running.finally(() => (publishing = false)).catch(() => undefined);

  try {
    await killLeadersInTurn(world, options, { ledger, killed, total, progress, publishing: () => publishing });
  } finally {
    abandoned = true;
    await running;
  }

  const ids = ledger.acked.map((a) => a.id);
  // The subscriber may still be catching up after the last election: give it time, then judge.
  await waitFor("every acknowledged message handled", () => handled.handledAll(ids), 180_000).catch(() => undefined);
  await sleep(500); // a redelivery in flight would show up as a second run now, not after the audit
  await desk.stop();
  const timeline = [...handled.firstAt.values()].sort((a, b) => a - b);
  killed.forEach((kill, i) => (kill.subscriberPauseMs = longestPause(timeline, kill.at, killed[i + 1]?.at ?? Infinity)));
  const replicas = await waitForReplicasInSync(cluster, stream);
  const stored = await storedIds(admin, stream);
  return {
    ...judge(ledger.acked, stored, handled.runs), messages: ledger.acked.length + ledger.unacked.length, acked: ledger.acked.length, unacked: ledger.unacked.length,
    retried: ledger.retried, killed, rejected, stored: [...stored.values()].reduce((n, seqs) => n + seqs.length, 0), replicas,
  };
}

interface KillContext {
  readonly ledger: PublishLedger;
  readonly killed: LeaderKillReport["killed"];
  readonly total: number;
  /** Kills issued so far, and whether publishes have yet to be acknowledged again after the last. */
  readonly progress: { issued: number; recovering: boolean };
  publishing(): boolean;
}

/** Kills the crime stream's leader `kills` times, spread over the run; each time restarts it once a successor leads. */
async function killLeadersInTurn({ admin, cluster }: FaultWorld, options: LeaderKillOptions, { ledger, killed, total, progress, publishing }: KillContext): Promise<void> {
  const stream = StreamName.crime;
  for (let k = 1; k <= options.kills; k++) {
    // Spread the kills over the run: the k-th when k/(kills+1) of the messages are acknowledged.
    await waitFor(`${k}/${options.kills + 1} of the messages acknowledged`, () => !publishing() || ledger.acked.length >= (total * k) / (options.kills + 1), 300_000);
    if (!publishing()) break;
    const leader = await waitForStreamHealthy(admin.jsm, stream);
    const ackedBefore = ledger.acked.length;
    const at = Date.now();
    progress.recovering = true;
    progress.issued++;
    await cluster.kill(leader);
    await waitFor("publishes acknowledged after the kill", () => !publishing() || ledger.acked.length > ackedBefore + options.publishers.length, 120_000);
    const recoveryMs = Date.now() - at;
    progress.recovering = false;
    let successor: string | undefined;
    await waitFor("a new stream leader", async () => {
      successor = await streamLeader(admin.jsm, stream);
      return successor !== undefined && successor !== leader;
    }, 120_000);
    killed.push({ leader, successor: successor!, at, recoveryMs, subscriberPauseMs: 0 });
    await cluster.restart(leader);
    await waitForStreamHealthy(admin.jsm, stream);
  }
}

/** The longest time without a first handling, from `from` on, within [from, until). */
function longestPause(timeline: readonly number[], from: number, until: number): number {
  let longest = 0;
  let previous = from;
  for (const t of timeline) {
    if (t < from) continue;
    if (t >= until) break;
    longest = Math.max(longest, t - previous);
    previous = t;
  }
  return longest;
}
