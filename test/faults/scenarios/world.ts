import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ConnectionOptions } from "@nats-io/transport-node";
import type { AllianceConfig, Bounds, SubscriberConfig } from "../../../schemas/config.js";
import { openBus, type Bus } from "../../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../../services/bus/core/config.js";
import { provisionStreams } from "../../../services/bus/admin/streams.js";
import { Quotas } from "../../../schemas/quotas.js";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { startCluster, waitForStreamHealthy, type TestCluster } from "../../helpers/cluster.js";
import { makeMembers } from "../../helpers/fixtures.js";
import { testLog } from "../../helpers/nats.js";

/** The config docker-compose.yml gives the services: the alliance's own, with 3 replicas. */
export const PRODUCTION_CONFIG = fileURLToPath(new URL("../../../config/alliance.production.json", import.meta.url));

/**
 * The production config with faster delivery settings (a fault case should not wait 30 s for an
 * ack to expire). Replicas come from the file, never from here: the suite proves what ships.
 */
export function clusterConfig(overrides: { subscriber?: Partial<SubscriberConfig>; bounds?: Partial<Bounds> } = {}): Readonly<AllianceConfig> {
  const base = loadConfig(PRODUCTION_CONFIG);
  if (base.bounds.replicas !== 3) throw new Error(`${PRODUCTION_CONFIG}: bounds.replicas is ${base.bounds.replicas}; the cluster suite needs 3`);
  return parseConfig(
    { ...base, bounds: { ...base.bounds, ...overrides.bounds }, subscriber: { ...base.subscriber, ...overrides.subscriber } },
    PRODUCTION_CONFIG,
  );
}

/**
 * Delivery settings of every fault case: an ack wait of seconds, not production's 30, so that a
 * message a dead subscriber held comes back quickly; short backoffs for the poison message.
 */
export const FAULT_SUBSCRIBER: Partial<SubscriberConfig> = { ackWaitSeconds: 5, maxDeliver: 4, backoffSeconds: [1, 2] };

/**
 * Client settings for the suite: every node's URL, so that a client fails over by itself, and a
 * short ping interval, so that a frozen (SIGSTOPped) server is found stale in seconds.
 */
export const FAULT_CONNECT_OPTIONS: Partial<ConnectionOptions> = { pingInterval: 2_000, maxPingOut: 2 };

export async function openClusterBus(cluster: TestCluster, config: Readonly<AllianceConfig>, name: string): Promise<Bus> {
  return openBus({ servers: cluster.urls, name, config, log: testLog, connectOptions: FAULT_CONNECT_OPTIONS });
}

export type Members = Awaited<ReturnType<typeof makeMembers>>;

/** A running cluster with the alliance's streams provisioned at 3 replicas, and member keys. */
export interface FaultWorld extends AsyncDisposable {
  readonly cluster: TestCluster;
  readonly config: Readonly<AllianceConfig>;
  readonly members: Members;
  /** The operator's connection: provisioning, audits, stream info. */
  readonly admin: Bus;
  /** Opens another client connection; closed with the world. */
  connect(name: string): Promise<Bus>;
  close(): Promise<void>;
}

/**
 * The fault cases measure loss and duplication through node failures with thousands of messages
 * from few origins (10,000 in case 1), more than a member's per-subject cap of the default quotas
 * (docs/security.md, "Quotas"): the world's streams get caps sized for the measurement, as the
 * bench's do (bench/env.ts). test/integration/quotas*.test.ts hold the caps themselves.
 */
const FAULT_QUOTAS = Quotas.parse({ channelPerSubjectMaxMsgs: 100_000, governancePerSubjectMaxMsgs: 100_000 });

export async function startWorld(config: Readonly<AllianceConfig>, memberCodes: readonly string[] = ["fr", "es", "ma", "it", "sec"]): Promise<FaultWorld> {
  const cluster = await startCluster();
  const opened: Bus[] = [];
  try {
    const admin = await openClusterBus(cluster, config, "faults-admin");
    opened.push(admin);
    await provisionStreams(admin.jsm, config.bounds, testLog, FAULT_QUOTAS);
    for (const stream of Object.values(StreamName)) await waitForStreamHealthy(admin.jsm, stream);
    const members = await makeMembers(memberCodes);
    const close = async () => {
      for (const bus of opened.reverse()) await closeBus(bus);
      await cluster.stop();
    };
    return {
      cluster, config, members, admin, close,
      async connect(name) {
        const bus = await openClusterBus(cluster, config, name);
        opened.push(bus);
        return bus;
      },
      [Symbol.asyncDispose]: close,
    };
  } catch (err) {
    for (const bus of opened) await closeBus(bus);
    await cluster.stop();
    throw err;
  }
}

/** Drains, but never waits long: after a fault a drain can hang on a connection still reconnecting. */
export async function closeBus(bus: Bus): Promise<void> {
  await Promise.race([bus.close().catch(() => undefined), sleep(5_000)]);
  if (!bus.nc.isClosed()) await bus.nc.close().catch(() => undefined);
}
