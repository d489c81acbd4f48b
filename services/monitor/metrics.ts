import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { levelValue } from "./types.js";
import { createTrackingMetrics } from "./tracking-metrics.js";
import type { Status } from "./view.js";

/**
 * The monitor's Prometheus metrics, in a registry of its own. Names follow Prometheus practice
 * (base units, `_total` for counters, `_seconds`, `_bytes`); labels are `stream`, `consumer`,
 * `member`, `reason` (plus `peer`, `kind`, `rule` where those are what varies). Gauges are
 * rewritten from each status, so a consumer that is gone disappears from the output.
 */
export interface MonitorMetrics {
  readonly registry: Registry;
  update(status: Status): void;
  /** Counts a failed sample. */
  collectFailed(): void;
}

export function createMetrics(): MonitorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });

  const S = ["stream"] as const;
  const C = ["stream", "consumer", "member"] as const;
  const g = {
    streamMessages: gauge("alliance_stream_messages", "Messages stored in the stream.", S),
    streamBytes: gauge("alliance_stream_bytes", "Bytes stored in the stream.", S),
    streamFirstSeq: gauge("alliance_stream_first_sequence", "Sequence of the oldest message stored.", S),
    streamLastSeq: gauge("alliance_stream_last_sequence", "Sequence of the newest message stored (rises with every message ever stored).", S),
    streamLastAge: gauge("alliance_stream_last_message_age_seconds", "Seconds since the newest message was stored.", S),
    streamRate: gauge("alliance_stream_publish_messages_per_second", "Messages stored per second over the monitor's rate window.", S),
    streamConsumers: gauge("alliance_stream_consumers", "Consumers on the stream (the monitors' own quarantine readers left out).", S),
    leader: gauge("alliance_stream_leader", "1 for the stream's current RAFT leader.", ["stream", "peer"]),
    replicaCurrent: gauge("alliance_stream_replica_current", "1 if the replica is current with its leader.", ["stream", "peer"]),
    replicaOffline: gauge("alliance_stream_replica_offline", "1 if the replica is offline (or unheard from for monitor.thresholds.replicaSilentSeconds).", ["stream", "peer"]),
    replicaLag: gauge("alliance_stream_replica_lag_operations", "Operations the replica is behind its leader.", ["stream", "peer"]),
    replicaActive: gauge("alliance_stream_replica_last_seen_seconds", "Seconds since the leader last heard from the replica.", ["stream", "peer"]),
    pending: gauge("alliance_consumer_pending_messages", "Messages not yet delivered to the consumer (its lag).", C),
    ackPending: gauge("alliance_consumer_ack_pending_messages", "Deliveries awaiting acknowledgement.", C),
    ackPendingLimit: gauge("alliance_consumer_ack_pending_limit_messages", "The consumer's max_ack_pending.", C),
    redelivered: gauge("alliance_consumer_redelivered_messages", "Messages delivered more than once and not yet acknowledged.", C),
    waiting: gauge("alliance_consumer_waiting_pulls", "Pull requests waiting for messages.", C),
    lastActive: gauge("alliance_consumer_last_active_timestamp_seconds", "When the consumer last delivered or received an acknowledgement (Unix time).", C),
    stalled: gauge("alliance_consumer_stalled_seconds", "Seconds without an acknowledgement while there is work; 0 when keeping up.", C),
    catchUp: gauge("alliance_consumer_catch_up_messages_per_second", "Backlog shrinking per second; negative when the consumer falls behind.", C),
    deliverRate: gauge("alliance_consumer_delivered_messages_per_second", "Deliveries per second.", C),
    retained: gauge("alliance_quarantine_retained_messages", "Messages held in the quarantine stream, per reason.", ["reason"]),
    lastMinute: gauge("alliance_quarantine_last_minute_messages", "Messages quarantined within the last minute."),
    health: gauge("alliance_health_status", "Health rule verdict: 0 ok, 1 warn, 2 critical.", ["rule", "stream", "consumer", "member"]),
    overall: gauge("alliance_health_overall", "Overall verdict: 0 ok, 1 warn, 2 critical (as /readyz)."),
    lastSample: gauge("alliance_monitor_last_sample_timestamp_seconds", "When the monitor last read JetStream successfully (Unix time)."),
  };
  const tracking = createTrackingMetrics(registry);
  const quarantined = counter("alliance_quarantine_messages_total", "Quarantined messages read from the quarantine stream since the monitor started, by reason and claimed origin member.", ["reason", "member"]);
  const written = counter("alliance_quarantine_written_total", "Quarantined messages read since the monitor started, by the writer that stored the copy (from its subject, enforced by the broker).", ["writer"]);
  const advisories = counter("alliance_jetstream_advisories_total", "JetStream advisories received since the monitor started.", ["kind", "stream", "consumer"]);
  const collectErrors = counter("alliance_monitor_collect_errors_total", "Samples of JetStream that failed.");
  const exported = new Map<string, number>();

  /** Counters from monotone tallies: add what is new since the last update. */
  const advance = <L extends string>(metric: Counter<L>, name: string, labels: Record<L, string>, total: number) => {
    const key = `${name}${JSON.stringify(labels)}`;
    const delta = total - (exported.get(key) ?? 0);
    if (delta > 0) metric.inc(labels, delta);
    exported.set(key, total);
  };

  function update(status: Status): void {
    for (const metric of Object.values(g)) metric.reset();
    tracking.update(status);
    for (const s of status.streams) {
      const l = { stream: s.name };
      g.streamMessages.set(l, s.messages);
      g.streamBytes.set(l, s.bytes);
      g.streamFirstSeq.set(l, s.firstSeq);
      g.streamLastSeq.set(l, s.lastSeq);
      if (s.lastMessageAgeSeconds !== undefined) g.streamLastAge.set(l, s.lastMessageAgeSeconds);
      if (s.publishRate !== undefined) g.streamRate.set(l, s.publishRate);
      g.streamConsumers.set(l, s.consumers.length);
      if (s.cluster?.leader) g.leader.set({ stream: s.name, peer: s.cluster.leader }, 1);
      for (const p of s.cluster?.peers ?? []) {
        const pl = { stream: s.name, peer: p.name };
        g.replicaCurrent.set(pl, p.current ? 1 : 0);
        g.replicaOffline.set(pl, p.offline ? 1 : 0);
        g.replicaLag.set(pl, p.lag);
        g.replicaActive.set(pl, p.activeSeconds);
      }
      for (const c of s.consumers) {
        const cl = { stream: c.stream, consumer: c.name, member: c.member ?? "" };
        g.pending.set(cl, c.pending);
        g.ackPending.set(cl, c.ackPending);
        g.ackPendingLimit.set(cl, c.maxAckPending);
        g.redelivered.set(cl, c.redelivered);
        g.waiting.set(cl, c.waiting);
        if (c.lastActive) g.lastActive.set(cl, Date.parse(c.lastActive) / 1000);
        g.stalled.set(cl, c.stalledSeconds);
        if (c.catchUpRate !== undefined) g.catchUp.set(cl, c.catchUpRate);
        if (c.deliverRate !== undefined) g.deliverRate.set(cl, c.deliverRate);
      }
    }
    for (const [reason, n] of Object.entries(status.quarantine.retainedByReason)) g.retained.set({ reason }, n);
    g.lastMinute.set(status.quarantine.lastMinute);
    for (const [reason, origins] of Object.entries(status.quarantine.byReasonOrigin)) {
      for (const [member, n] of Object.entries(origins)) advance(quarantined, "q", { reason, member }, n);
    }
    for (const [writer, n] of Object.entries(status.quarantine.byWriter)) advance(written, "w", { writer }, n);
    for (const a of status.advisories.counts) advance(advisories, "a", { kind: a.kind, stream: a.stream, consumer: a.consumer }, a.count);
    const health = new Map<string, { labels: { rule: string; stream: string; consumer: string; member: string }; value: number }>();
    for (const check of status.checks) {
      // `member` only where it is fixed (a consumer's owner): a changing label would split the series.
      const labels = { rule: check.rule, stream: check.stream ?? "", consumer: check.consumer ?? "", member: check.consumer ? (check.member ?? "") : "" };
      const key = JSON.stringify(labels);
      health.set(key, { labels, value: Math.max(health.get(key)?.value ?? 0, levelValue(check.level)) });
    }
    for (const { labels, value } of health.values()) g.health.set(labels, value);
    g.overall.set(levelValue(status.overall));
    if (status.collector.lastSampleAt) g.lastSample.set(Date.parse(status.collector.lastSampleAt) / 1000);
  }

  return { registry, update, collectFailed: () => collectErrors.inc() };
}
