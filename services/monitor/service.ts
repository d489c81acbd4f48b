import type { AllianceConfig } from "../../schemas/config.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import { watchAdvisories } from "./advisories.js";
import { collectSample } from "./collect.js";
import { SampleHistory, type ChartPoint } from "./history.js";
import { createMetrics, type MonitorMetrics } from "./metrics.js";
import { startQuarantineFeed } from "./quarantine-feed.js";
import { createTrackingFeed } from "./tracking-feed.js";
import type { MemberViews } from "../tracking/service.js";
import { buildStatus } from "./status.js";
import { StreamName } from "../bus/wire/subjects.js";
import { Rule, type Check, type Status } from "./view.js";
import { Level } from "./types.js";
import { createKeyViewsFeed, type KeyViews } from "./key-rotation.js";

export interface MonitorDeps {
  readonly config: Readonly<AllianceConfig>;
  readonly bus: Bus;
  readonly log: Logger;
  readonly now?: () => number;
  /** Tests only: called before each status build; what it throws is a failing build. */
  readonly faults?: { readonly beforeBuild?: () => void };
}

export interface Monitor extends AsyncDisposable {
  /** The status as of the last sample (an empty picture before the first). */
  status(): Status;
  /** Chart points for the last minutes, oldest first. */
  history(): readonly ChartPoint[];
  readonly metrics: MonitorMetrics;
  /** Samples now, outside the timer; resolves with the new status. */
  sampleNow(): Promise<Status>;
  /** Told of each new status; returns the function that stops telling. */
  onStatus(listener: (status: Status) => void): () => void;
  /** When the sampling loop last ran, whether or not it reached JetStream (the monitor's own liveness). */
  lastTickAt(): number | undefined;
  /** Starts sampling every `collectIntervalSeconds`. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The stream-health monitor: samples JetStream on a timer, follows the quarantine stream and the
 * advisories, keeps a short history for rates and charts, and rebuilds the status and metrics
 * after each sample. It only reads.
 */
export function createMonitor({ config, bus, log: parentLog, now = Date.now, faults }: MonitorDeps): Monitor {
  const log = parentLog.child({ svc: "monitor" });
  const settings = config.monitor;
  const history = new SampleHistory({ keepMs: settings.historyMinutes * 60_000, rateWindowMs: settings.rateWindowSeconds * 1000 });
  const feed = startQuarantineFeed(bus.js, log);
  const advisories = watchAdvisories(bus.nc, log, now);
  const metrics = createMetrics();
  const trackingFeed = createTrackingFeed(bus, config.bounds.replicas, log);
  const keyFeed = createKeyViewsFeed(bus, config.bounds.replicas, log);
  let tracking: MemberViews[] = [];
  let keys: KeyViews | undefined;
  const listeners = new Set<(status: Status) => void>();
  const collector: { error?: string; lastSampleAt?: number } = {};
  let tickAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<Status> | undefined;
  let stopped = false;

  const rebuild = () => {
    faults?.beforeBuild?.();
    return buildStatus({ now: now(), config, history, quarantine: feed.tally(now()), advisories: advisories.tally(), collector, tracking, ...(keys ? { keys } : {}) });
  };
  let current = rebuild();
  let buildFailing = false;

  async function tick(): Promise<Status> {
    try {
      const sample = await collectSample(bus.jsm, now, config.monitor.serverMonitoringUrl ? { serverMonitoringUrl: config.monitor.serverMonitoringUrl } : {});
      history.add(sample);
      collector.lastSampleAt = sample.at;
      delete collector.error;
      // Counts by origin come from the feed: give it a moment to read what the sample saw stored.
      const quarantine = sample.streams.find((s) => s.name === StreamName.quarantine);
      if (quarantine) await feed.readUpTo(quarantine.lastSeq, Math.min(1_000, settings.collectIntervalSeconds * 500));
      tracking = await trackingFeed.read();
      keys = await keyFeed.read();
    } catch (err) {
      if (collector.error === undefined) log.warn({ err }, "cannot sample JetStream");
      collector.error = (err as Error).message;
      metrics.collectFailed();
    }
    tickAt = now();
    try {
      current = rebuild();
      metrics.update(current);
      buildFailing = false;
    } catch (err) {
      // What was read made the status unbuildable (a defect, or input no check foresaw): the
      // monitor keeps sampling, and says so on the last status it could build.
      if (!buildFailing) log.error({ err }, "cannot build the status from what was sampled; the last one is kept");
      buildFailing = true;
      metrics.collectFailed();
      const check: Check = { rule: Rule.StatusBuild, level: Level.Critical, message: `The monitor could not build its status at ${new Date(tickAt).toISOString()}: ${String((err as Error)?.message ?? err).slice(0, 300)}. What it shows is from ${current.at}.` };
      current = { ...current, overall: Level.Critical, checks: [check, ...current.checks.filter((c) => c.rule !== Rule.StatusBuild)] };
    }
    for (const listener of listeners) {
      try {
        listener(current);
      } catch (err) {
        log.error({ err }, "a status listener failed");
      }
    }
    return current;
  }

  const sampleNow = () => (running ??= tick().finally(() => (running = undefined)));

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => void sampleNow().finally(schedule), settings.collectIntervalSeconds * 1000);
  }

  const stop = async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    listeners.clear();
    await advisories.stop();
    await feed.stop();
  };

  return {
    status: () => current,
    history: () => history.points(),
    metrics,
    sampleNow,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lastTickAt: () => tickAt,
    start() {
      log.info({ intervalSeconds: settings.collectIntervalSeconds }, "monitor sampling JetStream");
      void sampleNow().finally(schedule);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
