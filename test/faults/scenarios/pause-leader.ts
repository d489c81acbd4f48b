import { setTimeout as sleep } from "node:timers/promises";
import type { Rejection } from "../../../services/bus/subscriber.js";
import { StreamName } from "../../../services/bus/subjects.js";
import { streamLeader, waitForReplicasInSync, waitForStreamHealthy, type ReplicaState } from "../../helpers/cluster.js";
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
  readonly successor: string;
  /** From SIGSTOP to publishes acknowledged by the successor. */
  readonly recoveryMs: number;
  /** Acknowledgements received while the old leader was frozen, and after it woke. */
  readonly ackedWhilePaused: number;
  readonly ackedAfterResume: number;
  /** Who leads after the old leader woke: never the old leader on a stale term. */
  readonly leaderAfterResume: string;
  readonly replicas: ReplicaState[];
  readonly rejected: Rejection[];
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

  await waitFor("a third of the messages acknowledged", () => ledger.acked.length >= total / 3, 300_000);
  const paused = await waitForStreamHealthy(admin.jsm, stream);
  const ackedAtPause = ledger.acked.length;
  const pausedAt = Date.now();
  cluster.pause(paused);
  await waitFor("publishes acknowledged by a successor", () => ledger.acked.length > ackedAtPause + options.publishers.length, 120_000);
  const recoveryMs = ledger.acked[ackedAtPause + options.publishers.length]!.at - pausedAt;
  // The admin connection may sit on the frozen node: its answers come once it has failed over.
  let successor: string | undefined;
  await waitFor("the successor named by the cluster", async () => {
    successor = await streamLeader(admin.jsm, stream);
    return successor !== undefined && successor !== paused;
  }, 120_000);
  await sleep(options.holdAfterElectionMs);
  const ackedAtResume = ledger.acked.length;
  cluster.resume(paused);

  await waitFor("publishes acknowledged after the old leader woke", () => ledger.acked.length >= ackedAtResume + total / 4, 180_000);
  settled = true;
  await running;
  const leaderAfterResume = await waitForStreamHealthy(admin.jsm, stream);

  const ids = ledger.acked.map((a) => a.id);
  await waitFor("every acknowledged message handled", () => handled.handledAll(ids), 180_000).catch(() => undefined);
  await sleep(500);
  await desk.stop();
  const replicas = await waitForReplicasInSync(cluster, stream);
  const stored = await storedIds(admin, stream);
  return {
    ...judge(ledger.acked, stored, handled.runs),
    messages: ledger.acked.length + ledger.unacked.length, acked: ledger.acked.length, unacked: ledger.unacked.length,
    paused, successor: successor!, recoveryMs, ackedWhilePaused: ackedAtResume - ackedAtPause, ackedAfterResume: ledger.acked.length - ackedAtResume,
    leaderAfterResume, replicas, rejected,
  };
}
