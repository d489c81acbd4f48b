import type { BenchEnv } from "./env.js";
import { startMeter, type Usage } from "./meter.js";
import { HandledCounter, publishAll, type Workload } from "./workloads.js";

/** One measured phase: how many messages, how fast, at what cost. */
export interface PhaseResult {
  readonly messages: number;
  readonly msgsPerSec: number;
  /** CPU microseconds per message: this process (publisher and consumer), nats-server, both. */
  readonly cpuUsPerMsg: { readonly client: number; readonly server: number; readonly total: number; readonly mainThread: number };
  readonly usage: Usage;
}

export interface ThroughputResult {
  /** N publishes, `inFlight` outstanding, until the last acknowledgement. */
  readonly publish: PhaseResult;
  /** The same N messages consumed from the stream, each handled and acked. */
  readonly consume: PhaseResult;
  /** N messages published while a consumer runs: from the first publish to the last handled. */
  readonly endToEnd: PhaseResult;
}

export interface ThroughputSettings {
  readonly messages: number;
  readonly inFlight: number;
  readonly timeoutMs: number;
}

function phase(messages: number, usage: Usage): PhaseResult {
  const perMsg = (ms: number) => (ms * 1000) / messages;
  return {
    messages,
    msgsPerSec: (messages / usage.wallMs) * 1000,
    cpuUsPerMsg: { client: perMsg(usage.clientCpuMs), server: perMsg(usage.serverCpuMs), total: perMsg(usage.clientCpuMs + usage.serverCpuMs), mainThread: perMsg(usage.mainThreadCpuMs) },
    usage,
  };
}

/** Runs the three phases of one workload on empty streams. */
export async function measureThroughput(env: BenchEnv, workload: Workload, settings: ThroughputSettings): Promise<ThroughputResult> {
  const pid = env.server.process.pid;
  const n = settings.messages;
  await env.reset();

  let meter = startMeter(pid);
  await publishAll(workload, n, settings.inFlight);
  const publish = phase(n, meter.stop());

  const backlog = new HandledCounter();
  meter = startMeter(pid);
  const reader = await workload.startConsumer(`bench-${workload.name}-backlog`, "all", backlog.onHandled);
  await backlog.until(n, settings.timeoutMs, `${workload.name} consume`);
  const consume = phase(n, meter.stop());
  await reader.stop();

  await env.reset();
  const live = new HandledCounter();
  const follower = await workload.startConsumer(`bench-${workload.name}-live`, "new", live.onHandled);
  meter = startMeter(pid);
  await publishAll(workload, n, settings.inFlight);
  await live.until(n, settings.timeoutMs, `${workload.name} end-to-end`);
  const endToEnd = phase(n, meter.stop());
  await follower.stop();

  return { publish, consume, endToEnd };
}
