import { setTimeout as sleep } from "node:timers/promises";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { ReplicaState, TestCluster } from "./cluster.js";

/**
 * Streams on the test cluster: who leads, whether every replica is current and holds the same
 * messages, and the repair of a divergent replica (docs/operations.md).
 */

/** The stream's current leader as the cluster reports it, or undefined during an election. */
export async function streamLeader(jsm: JetStreamManager, stream: string): Promise<string | undefined> {
  try {
    const info = await jsm.streams.info(stream);
    return info.cluster?.leader || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the stream has a leader (other than `not`, when given) and every replica it lists is
 * current: only then may the next fault be injected without costing the cluster its quorum.
 */
export async function waitForStreamHealthy(jsm: JetStreamManager, stream: string, opts: { not?: string; replicas?: number; timeoutMs?: number } = {}): Promise<string> {
  const { not, replicas = 3, timeoutMs = 90_000 } = opts;
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    try {
      const info = await jsm.streams.info(stream);
      const leader = info.cluster?.leader;
      const peers = info.cluster?.replicas ?? [];
      const current = peers.filter((p) => p.current && !p.offline).length;
      last = `leader ${leader ?? "none"}, ${current}/${peers.length} followers current`;
      if (leader && leader !== not && peers.length === replicas - 1 && current === peers.length) return leader;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`stream ${stream} not healthy within ${timeoutMs} ms (${last})`);
    await sleep(250);
  }
}

/**
 * Waits until every running node's replica of the stream holds the same messages and sequences:
 * a fault must not leave one copy behind or, worse, ahead with entries the others never saw.
 */
export async function waitForReplicasInSync(cluster: TestCluster, stream: string, timeoutMs = 60_000): Promise<ReplicaState[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await cluster.replicaStates(stream).catch(() => [] as ReplicaState[]);
    const [first] = states;
    if (first && states.every((s) => s.messages === first.messages && s.firstSeq === first.firstSeq && s.lastSeq === first.lastSeq)) return states;
    if (Date.now() > deadline) throw new Error(`replicas of ${stream} differ after ${timeoutMs} ms: ${JSON.stringify(states)}`);
    await sleep(250);
  }
}

/**
 * The node whose replica of the stream disagrees with the other two, once they have had
 * `settleMs` to converge; undefined when all agree. nats-server 2.9.10 can leave a replica that
 * way after its leader was frozen (SIGSTOP) and continued: a few messages missing, later ones
 * shifted to other sequences, while the leader reports the replica current (docs/operations.md).
 */
export async function divergentReplica(cluster: TestCluster, stream: string, settleMs = 20_000): Promise<{ node: string; states: ReplicaState[] } | undefined> {
  const states = await waitForReplicasInSync(cluster, stream, settleMs).then(() => undefined, () => cluster.replicaStates(stream));
  if (!states) return undefined;
  const groups = new Map<string, ReplicaState[]>();
  for (const s of states) {
    const key = `${s.messages}/${s.firstSeq}/${s.lastSeq}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const [odd, ...others] = [...groups.values()].sort((a, b) => a.length - b.length);
  if (others.length !== 1 || odd!.length !== 1 || others[0]!.length < 2) throw new Error(`replicas of ${stream} disagree with no majority: ${JSON.stringify(states)}`);
  return { node: odd![0]!.node, states };
}

/**
 * The repair docs/operations.md gives operators: drop the node's replica of the stream
 * (`nats stream cluster peer-remove`), then scale the stream down and back up, so that the
 * cluster places a fresh replica on that node, copied from the leader. On three nodes the removal
 * answers "peer remap failed" (no spare node) but drops the replica all the same.
 */
export async function replaceReplica(bus: { nc: NatsConnection; jsm: JetStreamManager }, stream: string, node: string): Promise<void> {
  await bus.nc.request(`$JS.API.STREAM.PEER.REMOVE.${stream}`, JSON.stringify({ peer: node }), { timeout: 10_000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const info = await bus.jsm.streams.info(stream).catch(() => undefined);
    const peers = info ? [info.cluster?.leader, ...(info.cluster?.replicas ?? []).map((r) => r.name)] : [];
    if (info && info.cluster?.leader && !peers.includes(node)) break;
    if (Date.now() > deadline) throw new Error(`replica of ${stream} on ${node} not removed within 60 s`);
    await sleep(250);
  }
  const { config } = await bus.jsm.streams.info(stream);
  await bus.jsm.streams.update(stream, { ...config, num_replicas: config.num_replicas - 1 });
  await bus.jsm.streams.update(stream, { ...config, num_replicas: config.num_replicas });
  await waitForStreamHealthy(bus.jsm, stream, { replicas: config.num_replicas });
}
