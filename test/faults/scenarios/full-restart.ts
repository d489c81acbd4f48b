import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumerInfo } from "@nats-io/jetstream";
import type { Rejection } from "../../../services/bus/consume/subscriber.js";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { waitForReplicasInSync, waitForStreamHealthy, type ReplicaState } from "../../helpers/cluster.js";
import { waitFor } from "../../helpers/collect.js";
import { crimeBulletin, openDesk, openPublisher } from "./desk.js";
import { HandlerLedger, judge, publishSequence, PublishLedger, storedIds, type Findings } from "./ledger.js";
import type { FaultWorld } from "./world.js";

export interface FullRestartOptions {
  readonly publishers: readonly string[];
  readonly perPublisher: number;
}

/** A consumer as it stood before the crash and after the restart. */
export interface ConsumerBeforeAfter {
  readonly name: string;
  readonly before: { ackFloor: number; config: string };
  readonly after?: { ackFloor: number; config: string };
}

export interface FullRestartReport extends Findings {
  readonly messages: number;
  readonly acked: number;
  readonly unacked: number;
  /** From SIGKILL of the last node to the first publish acknowledged by the restarted cluster. */
  readonly recoveryMs: number;
  readonly consumers: ConsumerBeforeAfter[];
  readonly replicas: ReplicaState[];
  readonly rejected: Rejection[];
  /** Acknowledged before the crash: the messages the crash could have cost. */
  readonly ackedAtCrash: number;
}

/** Two durable desks on the crime stream: one running through the crash, one stopped before it. */
const RUNNING_DESK = "faults-restart-running";
const IDLE_DESK = "faults-restart-idle";

/**
 * Case 2: while ministries publish, all three nodes are killed with SIGKILL at once and started
 * again. Publishers keep retrying the message in hand through the outage; afterwards every
 * acknowledged message must be in the stream (on every replica), and every consumer back with
 * its position.
 */
export async function runFullRestart(world: FaultWorld, options: FullRestartOptions): Promise<FullRestartReport> {
  const { admin, cluster } = world;
  const stream = StreamName.crime;
  const handled = new HandlerLedger();
  const idleHandled = new HandlerLedger();
  const rejected: Rejection[] = [];
  const deskBus = await world.connect("faults-desk");
  const desk = await openDesk(world, deskBus, { stream, durable: RUNNING_DESK, handler: handled.handler, onRejected: (r) => rejected.push(r) });
  // The idle desk handles a first share of the traffic, then stops: its consumer must come back
  // with its acknowledgement floor, so that its next run resumes without a repeat.
  const idleDesk = await openDesk(world, deskBus, { stream, durable: IDLE_DESK, handler: idleHandled.handler, onRejected: (r) => rejected.push(r) });

  const ledger = new PublishLedger();
  const total = options.publishers.length * options.perPublisher;
  // Publishing goes on until the restarted cluster has acknowledged messages of its own.
  let recovered = false;
  const running = Promise.all(options.publishers.map(async (code) => {
    const publisher = await openPublisher(world, code, 120_000);
    await publishSequence(publisher, code, options.perPublisher, crimeBulletin, ledger, () => !recovered);
  }));

  // Traffic, the idle desk's share, then every node killed at once and started again.
  async function crashAll() {
    await waitFor("a quarter of the messages acknowledged", () => ledger.acked.length >= total / 4, 300_000);
    await waitFor("the idle desk handling its share", () => idleHandled.runs.size >= total / 8, 120_000);
    await idleDesk.stop();
    await waitFor("half of the messages acknowledged", () => ledger.acked.length >= total / 2, 300_000);

    const consumersBefore = new Map<string, ConsumerInfo>();
    for (const name of [RUNNING_DESK, IDLE_DESK]) consumersBefore.set(name, await admin.jsm.consumers.info(stream, name));

    // All at once: no node gets the chance to flush, step down or hand anything over.
    await Promise.all(cluster.nodes.map((n) => cluster.kill(n.name)));
    const crashedAt = Date.now();
    const ackedAtCrash = ledger.acked.length;
    await sleep(1_000);
    for (const n of cluster.nodes) await cluster.restart(n.name);
    await cluster.waitForMetaLeader(120_000);
    await waitFor("a publish acknowledged by the restarted cluster", () => ledger.acked.length > ackedAtCrash, 180_000);
    const recoveryMs = Date.now() - crashedAt;
    await waitFor("more publishes acknowledged by the restarted cluster", () => ledger.acked.length >= ackedAtCrash + total / 4, 180_000);
    return { consumersBefore, ackedAtCrash, recoveryMs };
  }

  let outcome: Awaited<ReturnType<typeof crashAll>>;
  try {
    outcome = await crashAll();
  } finally {
    recovered = true;
    await running;
  }
  const { consumersBefore, ackedAtCrash, recoveryMs } = outcome;

  const consumers: ConsumerBeforeAfter[] = [];
  for (const [name, info] of consumersBefore) {
    const after = await admin.jsm.consumers.info(stream, name).catch(() => undefined);
    consumers.push({
      name,
      before: { ackFloor: info.ack_floor.stream_seq, config: comparableConfig(info) },
      ...(after ? { after: { ackFloor: after.ack_floor.stream_seq, config: comparableConfig(after) } } : {}),
    });
  }

  // The idle desk resumes from its floor: together its two runs handle each message exactly once.
  const resumed = await openDesk(world, deskBus, { stream, durable: IDLE_DESK, handler: idleHandled.handler, onRejected: (r) => rejected.push(r) });
  const ids = ledger.acked.map((a) => a.id);
  await waitFor("the running desk handling every acknowledged message", () => handled.handledAll(ids), 180_000).catch(() => undefined);
  await waitFor("the resumed desk handling every acknowledged message", () => idleHandled.handledAll(ids), 180_000).catch(() => undefined);
  await sleep(500);
  await desk.stop();
  await resumed.stop();

  await waitForStreamHealthy(admin.jsm, stream);
  const replicas = await waitForReplicasInSync(cluster, stream);
  const stored = await storedIds(admin, stream);
  const running1 = judge(ledger.acked, stored, handled.runs);
  const idle = judge(ledger.acked, stored, idleHandled.runs);
  return {
    ...running1,
    handledTwice: [...running1.handledTwice, ...idle.handledTwice.map((x) => `${IDLE_DESK}: ${x}`)],
    unhandled: [...running1.unhandled, ...idle.unhandled.map((x) => `${IDLE_DESK}: ${x}`)],
    messages: ledger.acked.length + ledger.unacked.length, acked: ledger.acked.length, unacked: ledger.unacked.length, recoveryMs, consumers, replicas, rejected, ackedAtCrash,
  };
}

/** The settings a consumer was created with, without the fields the server fills in per node. */
function comparableConfig(info: ConsumerInfo): string {
  const { durable_name, ack_policy, deliver_policy, ack_wait, max_deliver, max_ack_pending, filter_subject } = info.config;
  return JSON.stringify({ durable_name, ack_policy, deliver_policy, ack_wait, max_deliver, max_ack_pending, filter_subject, num_replicas: info.config.num_replicas });
}
