import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, startNatsServer, type RunningNatsServer } from "../../services/natsd/server.js";

/** How a node of the test cluster stands, as the harness last left it. */
export type NodeState = "running" | "killed" | "paused";

export interface ClusterNode {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly httpPort: number;
  readonly dir: string;
  /** The running process's id; changes on every restart. */
  readonly pid: number;
  readonly state: NodeState;
}

export interface TestCluster extends AsyncDisposable {
  readonly dir: string;
  readonly nodes: readonly ClusterNode[];
  /** Every node's client URL: a client given all three fails over by itself. */
  readonly urls: string[];
  node(name: string): ClusterNode;
  /** `kill -9`: no shutdown, no flush; the store is what the kernel already had. */
  kill(name: string): Promise<void>;
  /** `SIGSTOP`: the process freezes with its sockets open, as a hung or swapped-out server does. */
  pause(name: string): void;
  /** `SIGCONT` after `pause`. */
  resume(name: string): void;
  /** Starts a killed node again on its own ports and store, and waits until it serves JetStream. */
  restart(name: string): Promise<void>;
  /** Resolves with the meta leader's name once every running node agrees on one. */
  waitForMetaLeader(timeoutMs?: number): Promise<string>;
  /** What each running node's own replica of the stream holds (its monitoring endpoint, not the leader's word). */
  replicaStates(stream: string): Promise<ReplicaState[]>;
  /** Ends every node (a paused one is continued first) and removes the stores. */
  stop(): Promise<void>;
}

interface NodeSlot {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly httpPort: number;
  readonly dir: string;
  server: RunningNatsServer;
  state: NodeState;
}

const CLUSTER_NAME = "alliance";

/**
 * A three-node JetStream cluster of real nats-server processes on loopback: each node with its own
 * client, route and monitoring port, `server_name` and store directory, and routes to all three
 * (a node recognises the route to itself and drops it). Resolves once a meta leader is elected.
 */
export async function startCluster(size = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "alliance-cluster-"));
  const plan: Omit<NodeSlot, "server" | "state">[] = [];
  for (let i = 1; i <= size; i++) {
    plan.push({ name: `n${i}`, port: await freePort(), clusterPort: await freePort(), httpPort: await freePort(), dir: join(dir, `n${i}`) });
  }
  const routes = plan.map((n) => `nats-route://127.0.0.1:${n.clusterPort}`).join(", ");
  const clusterBlock = (clusterPort: number) => `cluster { name: ${CLUSTER_NAME}, listen: 127.0.0.1:${clusterPort}, routes: [${routes}] }`;
  const launch = (n: Omit<NodeSlot, "server" | "state">) =>
    startNatsServer({ dir: n.dir, name: n.name, port: n.port, httpPort: n.httpPort, extraConfig: clusterBlock(n.clusterPort) });

  const slots: NodeSlot[] = [];
  const killAllNow = () => {
    for (const s of slots) hardKill(s.server);
  };
  // A crashed test run must not leave servers behind: the exit hook is synchronous, so SIGKILL.
  process.once("exit", killAllNow);
  const started = await Promise.allSettled(plan.map(launch));
  started.forEach((result, i) => {
    if (result.status === "fulfilled") slots.push({ ...plan[i]!, server: result.value, state: "running" });
  });
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    killAllNow();
    rmSync(dir, { recursive: true, force: true });
    throw failed.reason;
  }

  const slot = (name: string) => {
    const found = slots.find((s) => s.name === name);
    if (!found) throw new Error(`no node ${name} in the cluster (nodes: ${slots.map((s) => s.name).join(", ")})`);
    return found;
  };
  const view = (s: NodeSlot): ClusterNode => ({
    name: s.name, url: `nats://127.0.0.1:${s.port}`, port: s.port, clusterPort: s.clusterPort, httpPort: s.httpPort, dir: s.dir,
    pid: s.server.process.pid!, state: s.state,
  });

  const cluster: TestCluster = {
    dir,
    get nodes() {
      return slots.map(view);
    },
    urls: slots.map((s) => `nats://127.0.0.1:${s.port}`),
    node: (name) => view(slot(name)),
    async kill(name) {
      const s = slot(name);
      if (s.state === "killed") return;
      await killAndWait(s.server);
      s.state = "killed";
    },
    pause(name) {
      const s = slot(name);
      if (s.state !== "running") throw new Error(`cannot pause ${name}: it is ${s.state}`);
      process.kill(s.server.process.pid!, "SIGSTOP");
      s.state = "paused";
    },
    resume(name) {
      const s = slot(name);
      if (s.state !== "paused") throw new Error(`cannot resume ${name}: it is ${s.state}`);
      process.kill(s.server.process.pid!, "SIGCONT");
      s.state = "running";
    },
    async restart(name) {
      const s = slot(name);
      if (s.state !== "killed") throw new Error(`cannot restart ${name}: it is ${s.state}; kill it first`);
      s.server = await launch(s);
      s.state = "running";
    },
    waitForMetaLeader: (timeoutMs = 60_000) => waitForMetaLeader(slots.filter((s) => s.state === "running"), timeoutMs),
    replicaStates: (stream) => Promise.all(slots.filter((s) => s.state === "running").map((s) => replicaState(s, stream))),
    async stop() {
      process.removeListener("exit", killAllNow);
      for (const s of slots) {
        if (s.state === "paused") process.kill(s.server.process.pid!, "SIGCONT");
        await killAndWait(s.server);
        s.state = "killed";
      }
      rmSync(dir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]: () => cluster.stop(),
  };
  try {
    await cluster.waitForMetaLeader();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

function isAlive(server: RunningNatsServer): boolean {
  return server.process.exitCode === null && server.process.signalCode === null;
}

function hardKill(server: RunningNatsServer): void {
  if (!isAlive(server)) return;
  try {
    process.kill(server.process.pid!, "SIGCONT");
    process.kill(server.process.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

async function killAndWait(server: RunningNatsServer): Promise<void> {
  if (!isAlive(server)) return;
  const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
  hardKill(server);
  await exited;
}

/** One node's replica of a stream, from that node's `/jsz`. */
export interface ReplicaState {
  readonly node: string;
  readonly messages: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly consumers: string[];
  /** The stream's leader as this node sees it. */
  readonly leader?: string;
}

interface JszStreams {
  account_details?: {
    stream_detail?: {
      name: string;
      state: { messages: number; first_seq: number; last_seq: number };
      cluster?: { leader?: string };
      consumer_detail?: { name: string }[];
    }[];
  }[];
}

async function replicaState(s: NodeSlot, stream: string): Promise<ReplicaState> {
  const res = await fetch(`http://127.0.0.1:${s.httpPort}/jsz?accounts=true&streams=true&consumers=true`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as JszStreams;
  const found = body.account_details?.flatMap((a) => a.stream_detail ?? []).find((d) => d.name === stream);
  if (!found) return { node: s.name, messages: 0, firstSeq: 0, lastSeq: 0, consumers: [] };
  return {
    node: s.name, messages: found.state.messages, firstSeq: found.state.first_seq, lastSeq: found.state.last_seq,
    consumers: (found.consumer_detail ?? []).map((c) => c.name).sort(),
    ...(found.cluster?.leader ? { leader: found.cluster.leader } : {}),
  };
}

interface JszMeta {
  meta_cluster?: { leader?: string; cluster_size?: number };
}

async function metaLeaderSeenBy(httpPort: number): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${httpPort}/jsz`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as JszMeta;
    return body.meta_cluster?.leader || undefined;
  } catch {
    return undefined;
  }
}

async function waitForMetaLeader(running: readonly NodeSlot[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(running.map((s) => metaLeaderSeenBy(s.httpPort)));
    const first = seen[0];
    // The leader must itself be up: a node may still remember a leader that was just killed.
    if (first && seen.every((l) => l === first) && running.some((s) => s.name === first)) return first;
    if (Date.now() > deadline) throw new Error(`no meta leader agreed within ${timeoutMs} ms (seen: ${seen.join(", ")})`);
    await sleep(200);
  }
}

export { divergentReplica, replaceReplica, streamLeader, waitForReplicasInSync, waitForStreamHealthy } from "./cluster-replicas.js";
