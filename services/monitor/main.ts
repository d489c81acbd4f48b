import type { AddressInfo } from "node:net";
import type { AllianceConfig } from "../../schemas/config.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import { buildHttpServer } from "./http.js";
import { createMonitor, type Monitor } from "./service.js";

export interface MonitorServerOptions {
  readonly config: Readonly<AllianceConfig>;
  /**
   * The monitor's connection, opened by the caller with the monitor's own read-only identity where
   * the broker has credentials (`alliance monitor` uses the CLI's connection settings).
   */
  readonly bus: Bus;
  readonly log: Logger;
  /** Overrides config.monitor.http. Port 0 picks a free one. */
  readonly host?: string;
  readonly port?: number;
}

export interface RunningMonitor extends AsyncDisposable {
  /** Where the dashboard is, e.g. http://127.0.0.1:8080/. */
  readonly url: string;
  readonly monitor: Monitor;
  /** Closes HTTP and stops sampling; the connection stays the caller's to drain. */
  close(): Promise<void>;
}

/** Starts sampling and serves the monitor's HTTP endpoints and dashboard. */
export async function startMonitorServer({ config, bus, log, host, port }: MonitorServerOptions): Promise<RunningMonitor> {
  const monitor = createMonitor({ config, bus, log });
  const settings = config.monitor;
  // Stuck = several intervals without a tick, allowing for the slowest sample's request timeouts.
  const app = buildHttpServer({ monitor, log, livenessMs: settings.collectIntervalSeconds * 5_000 + 30_000 });
  try {
    await app.listen({ host: host ?? settings.http.host, port: port ?? settings.http.port });
  } catch (err) {
    await monitor.stop();
    throw err;
  }
  monitor.start();
  const address = app.server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address === "0.0.0.0" ? "127.0.0.1" : address.address;
  const url = `http://${shown}:${address.port}/`;
  log.info({ url }, "monitor dashboard listening");
  const close = async () => {
    await app.close();
    await monitor.stop();
  };
  return { url, monitor, close, [Symbol.asyncDispose]: close };
}

/**
 * The monitor as a process: serves until SIGINT or SIGTERM, then closes HTTP and stops sampling
 * (the caller drains the connection). `onListening` is told the dashboard's URL.
 */
export async function runMonitorProcess(options: MonitorServerOptions & { onListening?: (url: string) => void }): Promise<void> {
  const running = await startMonitorServer(options);
  options.onListening?.(running.url);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  options.log.info("monitor stopping");
  await running.close();
}
