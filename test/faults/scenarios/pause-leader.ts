import { setTimeout as sleep } from "node:timers/promises";
import type { Rejection } from "../../../services/bus/consume/subscriber.js";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { divergentReplica, replaceReplica, waitForReplicasInSync, waitForStreamHealthy, type ReplicaState } from "../../helpers/cluster.js";
import { waitFor } from "../../helpers/collect.js";
import { crimeBulletin, openDesk, openPublisher } from "./desk.js";
import { HandlerLedger, judge, publishSequence, PublishLedger, storedIds, type Findings } from "./ledger.js";
import type { FaultWorld } from "./world.js";

export interface PauseLeaderOptions {
  readonly publishers: readonly string[];
  readonly perPublisher: number;
  /** How long the leader stays frozen after the others have elected a successor. */
  readonly holdAfterElectionMs: number;
}

export interface PauseLeaderReport extends Findings {
  readonly messages: number;
  readonly acked: number;
  readonly unacked: number;
  readonly paused: string;
  /** The leader the two running nodes elected while it was frozen. */
  readonly successor: string;
  /** From SIGSTOP to publishes acknowledged by the successor. */
  readonly recoveryMs: number;
  /** Acknowledgements received while the old leader was frozen, and after it woke. */
  readonly ackedWhilePaused: number;
  readonly ackedAfterResume: number;
  /** Who leads once all is settled (any node may, after a fresh election). */
  readonly leaderAfterResume: string;
  /** Every node's own copy of the stream, as found after the old leader woke: before any repair. */
  readonly replicas: ReplicaState[];
  readonly rejected: Rejection[];
  /**
   * The replica found diverged after the old leader woke, with every node's state: a failure (a
   * node's copy lacks acknowledged messages). It is replaced only after everything was counted,
   * so that the cluster is whole for whatever runs next.
   */
  readonly divergence?: { node: string; states: ReplicaState[] };
}

/**
 * Case 3: the crime stream's leader is frozen with SIGSTOP (sockets open, nothing answered) until
 * the other two have elected a successor and taken more publishes, then continued with SIGCONT.
 * It wakes believing it leads: whatever it held in flight must not come back as an
 * acknowledgement of something the stream does not hold, and its replica must fall in line.
 */
export async function runPauseLeader(world: FaultWorld, options: PauseLeaderOptions): Promise<PauseLeaderReport> {
  const { admin, cluster } = world;
  const stream = StreamName.crime;
  const handled = new HandlerLedger();
  const rejected: Rejection[] = [];
  const desk = await openDesk(world, await world.connect("faults-desk"), {
    stream, durable: "faults-pause", handler: handled.handler, onRejected: (r) => rejected.push(r),
  });

  const ledger = new PublishLedger();
  const total = options.publishers.length * options.perPublisher;
  let settled = false;
  const running = Promise.all(options.publishers.map(async (code) => {
    const publisher = await openPublisher(world, code, 120_000);
    await publishSequence(publisher, code, options.perPublisher, crimeBulletin, ledger, () => !settled);
  }));

  // SIGSTOP the leader, wait for a successor to take publishes, hold, SIGCONT, let it settle.
  async function freezeLeader() {
    await waitFor("a third of the messages acknowledged", () => ledger.acked.length >= total / 3, 300_000);
    const paused = await waitForStreamHealthy(admin.jsm, stream);
    // Every node names it leader: the freeze must hit the leader, not a node an answer called one.
    await waitFor("every node naming the same leader", async () => (await cluster.replicaStates(stream)).every((s) => s.leader === paused), 30_000);
    const ackedAtPause = ledger.acked.length;
    const pausedAt = Date.now();
    cluster.pause(paused);
    // Acknowledgements while the leader is frozen can only come from a successor: the election is over.
    await waitFor("publishes acknowledged by a successor", () => ledger.acked.length > ackedAtPause + options.publishers.length, 120_000);
    const recoveryMs = ledger.acked[ackedAtPause + options.publishers.length]!.at - pausedAt;
    // And the two running nodes name that successor (asked over HTTP: no client waits on the frozen node).
    let successor: string | undefined;
    await waitFor("the running nodes naming a successor", async () => {
      const seen = new Set((await cluster.replicaStates(stream)).map((s) => s.leader));
      successor = seen.size === 1 ? [...seen][0] : undefined;
      return successor !== undefined && successor !== paused;
    }, 60_000);
    await sleep(options.holdAfterElectionMs);
    const ackedAtResume = ledger.acked.length;
    cluster.resume(paused);

    await waitFor("publishes acknowledged after the old leader woke", () => ledger.acked.length >= ackedAtResume + total / 4, 180_000);
    return { paused, successor: successor!, recoveryMs, ackedAtPause, ackedAtResume };
  }

  let phases: { paused: string; successor: string; recoveryMs: number; ackedAtPause: number; ackedAtResume: number };
  try {
    phases = await freezeLeader();
  } finally {
    settled = true;
    await running;
  }
  const { paused, successor, recoveryMs, ackedAtPause, ackedAtResume } = phases;
  const leaderAfterResume = await waitForStreamHealthy(admin.jsm, stream);
  // nats-server 2.9.10 can leave the woken leader's replica divergent while reporting it current.
  // Look for it as an operator would (each node's /jsz): a diverged replica is counted as found,
  // and everything is judged before it is repaired.
  const divergence = await divergentReplica(cluster, stream);
  const replicas = divergence ? divergence.states : await waitForReplicasInSync(cluster, stream);

  const ids = ledger.acked.map((a) => a.id);
  await waitFor("every acknowledged message handled", () => handled.handledAll(ids), 180_000).catch(() => undefined);
  await sleep(500);
  await desk.stop();
  const stored = await storedIds(admin, stream);
  // Repaired the documented way only now, so that the cluster is whole for what runs next.
  if (divergence) await replaceReplica(admin, stream, divergence.node).catch(() => undefined);
  return {
    ...judge(ledger.acked, stored, handled.runs),
    messages: ledger.acked.length + ledger.unacked.length, acked: ledger.acked.length, unacked: ledger.unacked.length,
    paused, successor, recoveryMs, ackedWhilePaused: ackedAtResume - ackedAtPause, ackedAfterResume: ledger.acked.length - ackedAtResume,
    leaderAfterResume, replicas, rejected, ...(divergence ? { divergence } : {}),
  };
}
