import type { AllianceConfig } from "../../schemas/config.js";
import type { MonitorThresholds } from "../../schemas/monitor.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import type { Status } from "../../services/monitor/view.js";

/** The alliance config with a fast-sampling monitor and the given thresholds. */
export function monitorTestConfig(thresholds: Partial<MonitorThresholds> = {}, overrides: Partial<AllianceConfig["subscriber"]> = {}): Readonly<AllianceConfig> {
  const base = loadConfig();
  return parseConfig({
    ...base,
    subscriber: { ...base.subscriber, ...overrides },
    monitor: { ...base.monitor, collectIntervalSeconds: 0.5, rateWindowSeconds: 3, thresholds: { ...base.monitor.thresholds, ...thresholds } },
  });
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

export async function getStatus(base: string): Promise<Status> {
  return (await getJson<Status>(new URL("api/status", base).href)).body;
}

export async function getMetrics(base: string): Promise<string> {
  return (await fetch(new URL("metrics", base))).text();
}

/** The value of one sample line of a Prometheus text exposition, or undefined when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const braces = /^[^{ ]+(?:\{(.*)\})? (.+)$/.exec(line);
    if (!braces) continue;
    const present = (braces[1] ?? "").split(/,(?=[a-z_]+=")/);
    if (wanted.every((w) => present.includes(w))) return Number(braces[2]);
  }
  return undefined;
}
