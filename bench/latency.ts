import { randomUUID } from "node:crypto";
import type { BenchEnv } from "./env.js";
import { startMeter } from "./meter.js";
import { summariseLatencies, type LatencySummary } from "./stats.js";
import { HandledCounter, type Workload } from "./workloads.js";

export interface LatencyResult extends LatencySummary {
  /** Due → stored in the stream (signing, publishing, the server's store): the publisher's share. */
  readonly toStoredP99Ms: number;
  /** Stored → handler (delivery, checks, the processed record, scheduling): the consumer's share. */
  readonly storedToHandlerP99Ms: number;
  readonly offeredPerSec: number;
  /** What the consumer kept up with: messages handled per second of the run. */
  readonly achievedPerSec: number;
  readonly cpuUsPerMsg: number;
}

export interface LatencySettings {
  readonly rate: number;
  readonly messages: number;
  readonly timeoutMs: number;
}

/**
 * Offers `rate` messages per second while a consumer runs, and times each one from the moment it
 * was due to be published to the moment its handler ran. Timing from the schedule, not from the
 * actual send, keeps a stalled publisher from hiding its own delay (coordinated omission).
 */
export async function measureLatency(env: BenchEnv, workload: Workload, { rate, messages, timeoutMs }: LatencySettings): Promise<LatencyResult> {
  await env.reset();
  const due = new Map<string, number>();
  const samples: number[] = [];
  const toStored: number[] = [];
  const storedToHandler: number[] = [];
  const counter = new HandledCounter();
  const consumer = await workload.startConsumer(`bench-${workload.name}-latency`, "new", (id, storedAtMs) => {
    const dueAt = due.get(id);
    if (dueAt !== undefined) {
      const now = performance.now();
      samples.push(now - dueAt);
      // The stream's clock is the server's, in ms: the split is good to about a millisecond.
      const stored = storedAtMs - performance.timeOrigin;
      toStored.push(stored - dueAt);
      storedToHandler.push(now - stored);
      due.delete(id);
    }
    counter.onHandled(id);
  });

  const meter = startMeter(env.server.process.pid);
  const start = performance.now();
  let failure: unknown;
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const owed = Math.min(messages, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
      for (; sent < owed; sent++) {
        const id = randomUUID();
        due.set(id, start + (sent * 1000) / rate);
        workload.publishOne(id).catch((err: unknown) => (failure ??= err));
      }
      if (sent >= messages) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await counter.until(messages, timeoutMs, `${workload.name} latency at ${rate}/s`);
  const usage = meter.stop();
  await consumer.stop();
  if (failure) throw failure;
  return {
    offeredPerSec: rate,
    achievedPerSec: (messages / usage.wallMs) * 1000,
    cpuUsPerMsg: ((usage.clientCpuMs + usage.serverCpuMs) * 1000) / messages,
    ...summariseLatencies(samples),
    toStoredP99Ms: summariseLatencies(toStored).p99Ms,
    storedToHandlerP99Ms: summariseLatencies(storedToHandler).p99Ms,
  };
}
