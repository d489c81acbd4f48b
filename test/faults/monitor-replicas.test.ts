import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBus, type Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { startMonitorServer, type RunningMonitor } from "../../services/monitor/main.js";
import { Level } from "../../services/monitor/types.js";
import { Rule, type Check } from "../../services/monitor/view.js";
import { startCluster, waitForStreamHealthy, type TestCluster } from "../helpers/cluster.js";
import { waitFor } from "../helpers/collect.js";
import { getJson, getMetrics, getStatus, metricValue } from "../helpers/monitor.js";
import { testLog } from "../helpers/nats.js";

// The monitor's view of a three-node cluster: replicas current, a leader election, one replica
// offline, quorum gone, and back. Part of the fault suite: vitest -c vitest.faults.config.ts.
const base = loadConfig();
// A short advisory window: a quorum-lost advisory holds /readyz at critical for that long.
const config = parseConfig({
  ...base,
  bounds: { ...base.bounds, replicas: 3 },
  monitor: { ...base.monitor, collectIntervalSeconds: 1, thresholds: { ...base.monitor.thresholds, advisoryWindowSeconds: 15 } },
});
const STREAM = StreamName.crime;

let cluster: TestCluster;
let admin: Bus;
let monitorBus: Bus;
let monitor: RunningMonitor;

beforeAll(async () => {
  cluster = await startCluster();
  admin = await openBus({ servers: cluster.urls, name: "test-admin", config, log: testLog });
  await provisionStreams(admin.jsm, config.bounds, testLog);
  await waitForStreamHealthy(admin.jsm, STREAM);
  monitorBus = await openBus({ servers: cluster.urls, name: "test-monitor", config, log: testLog });
  monitor = await startMonitorServer({ config, bus: monitorBus, log: testLog, port: 0 });
});
afterAll(async () => {
  await monitor?.close();
  await monitorBus?.close();
  await admin?.close();
  await cluster?.stop();
});

const replicasCheck = async (): Promise<Check | undefined> => (await getStatus(monitor.url)).checks.find((c) => c.rule === Rule.Replicas && c.stream === STREAM);

describe("monitor - cluster replicas", () => {
  it("monitor - sees the leader and current replicas, an offline replica, a stream without quorum, and the recovery", async () => {
    await waitFor("replicas current", async () => /leader n\d, 2 replica\(s\) current/.test((await replicasCheck())?.message ?? ""), 60_000);
    const first = (await getStatus(monitor.url)).streams.find((s) => s.name === STREAM)!.cluster!.leader!;
    expect(metricValue(await getMetrics(monitor.url), "alliance_stream_leader", { stream: STREAM, peer: first })).toBe(1);

    // An election (the leader steps down): counted from its advisory, the new leader shown.
    await admin.nc.request(`$JS.API.STREAM.LEADER.STEPDOWN.${STREAM}`, undefined, { timeout: 10_000 });
    const leader = await waitForStreamHealthy(admin.jsm, STREAM, { not: first });
    await waitFor("the election advisory", async () =>
      (metricValue(await getMetrics(monitor.url), "alliance_jetstream_advisories_total", { kind: "stream_leader_elected", stream: STREAM }) ?? 0) >= 1, 30_000);
    await waitFor("the new leader", async () => metricValue(await getMetrics(monitor.url), "alliance_stream_leader", { stream: STREAM, peer: leader }) === 1, 30_000);

    const follower = cluster.nodes.map((n) => n.name).find((n) => n !== leader)!;
    await cluster.kill(follower);
    await waitFor(`${follower} offline`, async () => {
      const check = await replicasCheck();
      return check?.level === Level.Warn && check.message.includes(`${follower} offline`);
    }, 90_000);
    await waitFor("offline in /metrics", async () => metricValue(await getMetrics(monitor.url), "alliance_stream_replica_offline", { stream: STREAM, peer: follower }) === 1, 30_000);
    expect((await getJson<{ status: string }>(new URL("readyz", monitor.url).href)).body.status).toBe(Level.Warn);

    // Two of three gone: no quorum, no leader, nothing can be stored. Critical, whichever way the
    // monitor learns it (no leader, or the stream cannot be read at all).
    const second = cluster.nodes.map((n) => n.name).find((n) => n !== follower && n !== leader)!;
    await cluster.kill(second);
    await waitFor("critical on /readyz", async () => (await getJson(new URL("readyz", monitor.url).href)).status === 503, 120_000);

    await cluster.restart(follower);
    await cluster.restart(second);
    await waitForStreamHealthy(admin.jsm, STREAM, { timeoutMs: 120_000 });
    let last: unknown;
    await waitFor("ok again", async () => {
      const ready = await getJson<{ status: string }>(new URL("readyz", monitor.url).href);
      last = ready.body;
      return ready.body.status === Level.Ok;
    }, 120_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
  });
});
