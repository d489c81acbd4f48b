import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openBus, type Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { createLogger } from "../../services/bus/core/logger.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { startNatsServer, type NatsServerOptions, type RunningNatsServer } from "../../services/natsd/server.js";

export const testLog = createLogger({ name: "test", level: process.env.TEST_LOG_LEVEL ?? "silent", pretty: false });

export interface TestServer extends AsyncDisposable {
  readonly server: RunningNatsServer;
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * The development server the README tells a reader to start (`nats-server -c config/nats/dev.conf`),
 * moved onto free loopback ports and a temporary store: what the README's examples run against.
 */
export function startDevServer(): Promise<TestServer> {
  return startTestServer({ fromConfig: join(import.meta.dirname, "../../config/nats/dev.conf") });
}

/**
 * A nats-server of the test's own: free loopback ports, a temporary store, removed at the end.
 * `options`: extra config text, or startNatsServer's options (quotas, a config file to start from).
 */
export async function startTestServer(options: string | Omit<NatsServerOptions, "dir"> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "alliance-test-"));
  const server = await startNatsServer({ dir, ...(typeof options === "string" ? { extraConfig: options } : options) });
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { server, url: server.url, dir, stop, [Symbol.asyncDispose]: stop };
}

/** A bus connected to a test server with the alliance's streams provisioned, with the config's quotas. */
export async function openTestBus(url: string, config = loadConfig()): Promise<Bus> {
  const bus = await openBus({ servers: url, name: "test", config, log: testLog });
  await provisionStreams(bus.jsm, config.bounds, testLog, config.quotas);
  return bus;
}

/**
 * One test server and one bus (openTestBus) for a whole test file: started before its first test,
 * closed after its last. Read `server` and `bus` inside the tests, once they exist.
 */
export function useTestBus(config = loadConfig()): { readonly server: TestServer; readonly bus: Bus } {
  let server: TestServer | undefined;
  let bus: Bus | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    bus = await openTestBus(server.url, config);
  });
  afterAll(async () => {
    await bus?.close();
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get bus() {
      return bus!;
    },
  };
}
