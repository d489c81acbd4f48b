import type { AllianceConfig } from "../../schemas/config.js";
import { OriginCode, SECRETARIAT_CODE } from "../../schemas/protocol.js";
import { QUARANTINE_TOKEN, StreamName } from "../bus/wire/subjects.js";
import { backlogOf, consumerKey, type SampleHistory } from "./history.js";
import { OTHER, quarantineLastMinute } from "./quarantine-tally.js";
import { isReason } from "../bus/wire/reasons.js";
import { evaluateRules } from "./rules.js";
import { worst, type AdvisoryTally, type ConsumerSample, type QuarantineTally } from "./types.js";
import type { Check, ConsumerView, MemberName, Status, StreamView } from "./view.js";
import type { MemberViews } from "../tracking/service.js";
import { trackingStatus } from "./tracking-rules.js";
import { keyRotationChecks, type KeyViews } from "./key-rotation.js";

export interface StatusInput {
  readonly now: number;
  readonly config: Readonly<AllianceConfig>;
  readonly history: SampleHistory;
  readonly quarantine: QuarantineTally;
  readonly advisories: AdvisoryTally;
  readonly collector: { readonly error?: string; readonly lastSampleAt?: number };
  /** The members' v1.1 tracking views, as last read from KV. */
  readonly tracking?: readonly MemberViews[];
  /** The secretariat's members and keys views, for the encryption-key rotation rule. */
  readonly keys?: KeyViews;
}

/** Everything the monitor shows, from the latest sample, its history and the tallies. No I/O. */
export function buildStatus(input: StatusInput): Status {
  const { now, config, history } = input;
  const sample = history.latest();
  const members = memberNames(config);
  const codes = members.map((m) => m.code);

  const consumers = (sample?.consumers ?? []).map((c) => consumerView(c, input, codes));
  const silent = config.monitor.thresholds.replicaSilentSeconds;
  const streams = (sample?.streams ?? []).map((s) => {
    const channel = channelOf(s.name);
    // A replica the leader has not heard from for long is offline, whether or not the server says so.
    const cluster = s.cluster && { ...s.cluster, peers: s.cluster.peers.map((p) => ({ ...p, offline: p.offline || p.activeSeconds >= silent })) };
    const lastAt = s.lastTime ? Date.parse(s.lastTime) : NaN;
    return {
      ...s,
      ...(cluster ? { cluster } : {}),
      channel,
      title: config.channels.find((c) => c.name === channel)?.title ?? (channel === QUARANTINE_TOKEN ? "Everything rejected, with its reason" : s.name),
      ...history.streamRates(s.name),
      ...(Number.isFinite(lastAt) ? { lastMessageAgeSeconds: Math.max(0, (now - lastAt) / 1000) } : {}),
    };
  });
  const missing = sample?.missing ?? [];
  const lastMinute = quarantineLastMinute(input.quarantine, now);
  const tracked = input.tracking && input.tracking.length > 0 ? trackingStatus(input.tracking, now, config.tracking) : undefined;
  const checks = sortChecks([...evaluateRules({
    now, thresholds: config.monitor.thresholds, streams, consumers, missing, members,
    quarantine: { ...lastMinute, lastMinute: lastMinute.count, ...(input.quarantine.byWriterOrigin ? { byWriterOrigin: input.quarantine.byWriterOrigin } : {}) }, advisories: input.advisories, collector: input.collector,
    ...(sample?.storage ? { storage: sample.storage } : {}),
  }), ...(tracked?.checks ?? []), ...(input.keys ? keyRotationChecks(input.keys, now, config.encryption.rotationDays) : [])]);

  const levelOf = (stream: string, consumer?: string) =>
    worst(checks.filter((c) => c.stream === stream && (consumer === undefined || c.consumer === consumer)).map((c) => c.level));
  const streamViews: StreamView[] = streams.map((s) => ({
    ...s,
    level: levelOf(s.name),
    consumers: consumers.filter((c) => c.stream === s.name).map((c) => ({ ...c, level: levelOf(c.stream, c.name) })),
  }));
  const quarantineStream = streams.find((s) => s.name === StreamName.quarantine);
  // Reasons and origins become labels and page rows: only the protocol's reasons and member codes
  // are kept by name, anything else (a hostile quarantine header) is counted as "other".
  const reasonOf = (r: string) => (isReason(r) ? r : OTHER);
  // Any member-shaped code is kept: members admitted by the secretariat may not be in the config yet.
  const originOf = (o: string) => (codes.includes(o) || o === "unknown" || OriginCode.safeParse(o).success ? o : OTHER);
  // Writers are identity codes (the broker enforces them on a secured server): member-shaped, `sec`, or a service's name.
  const writerOf = (w: string) => (/^[a-z0-9][a-z0-9-]{0,31}$/.test(w) ? w : OTHER);
  const retainedByReason = fold(Object.entries(quarantineStream?.subjects ?? {}).map(([subject, n]) => [reasonOf(subject.split(".").at(-1) ?? subject), n]));
  const q = input.quarantine;
  const byReasonOrigin = Object.entries(q.byReasonOrigin).reduce<Record<string, Record<string, number>>>((acc, [reason, origins]) => {
    const merged = fold([...Object.entries(acc[reasonOf(reason)] ?? {}), ...Object.entries(origins).map(([o, n]) => [originOf(o), n] as [string, number])]);
    return { ...acc, [reasonOf(reason)]: merged };
  }, {});

  return {
    at: new Date(now).toISOString(),
    overall: worst(checks.map((c) => c.level)),
    collector: {
      ok: !input.collector.error && sample !== undefined,
      intervalSeconds: config.monitor.collectIntervalSeconds,
      historyMinutes: config.monitor.historyMinutes,
      ...(input.collector.lastSampleAt ? { lastSampleAt: new Date(input.collector.lastSampleAt).toISOString() } : {}),
      ...(input.collector.error ? { error: input.collector.error } : {}),
    },
    streams: streamViews,
    missing,
    quarantine: {
      retainedByReason, retained: quarantineStream?.messages ?? 0,
      byReason: fold(Object.entries(q.byReason).map(([r, n]) => [reasonOf(r), n])),
      byOrigin: fold(Object.entries(q.byOrigin).map(([o, n]) => [originOf(o), n])),
      byWriter: fold(Object.entries(q.byWriter).map(([w, n]) => [writerOf(w), n])),
      byReasonOrigin, read: q.read,
      lastMinute: lastMinute.count, latest: q.latest,
    },
    advisories: input.advisories,
    checks,
    members,
    ...(tracked ? { tracking: tracked.panel } : {}),
  };
}

function sortChecks(checks: Check[]): Check[] {
  const order = { critical: 0, warn: 1, ok: 2 };
  return checks.sort((a, b) => order[a.level] - order[b.level]);
}

function consumerView(c: ConsumerSample, { now, history }: StatusInput, codes: readonly string[]): Omit<ConsumerView, "level"> {
  const rates = history.consumerRates(c);
  const backlog = backlogOf(c);
  // Progress is an acknowledgement (a delivery, for consumers that take no acks).
  const progressAt = Math.max(time(c.ackPolicy === "none" ? c.lastDelivered : c.lastAck) ?? -Infinity, time(c.created) ?? -Infinity, rates.workSince ?? -Infinity);
  const stalledSeconds = backlog > 0 && Number.isFinite(progressAt) ? Math.max(0, (now - progressAt) / 1000) : 0;
  const lastActive = [c.lastDelivered, c.lastAck].filter((t): t is string => t !== undefined).sort().at(-1);
  const member = codes.find((code) => c.name.startsWith(`${code}-`) || c.name.startsWith(`${code}_`));
  return {
    ...c,
    key: consumerKey(c),
    ...(member ? { member } : {}),
    backlog,
    ...(rates.catchUpRate !== undefined ? { catchUpRate: rates.catchUpRate } : {}),
    ...(rates.deliverRate !== undefined ? { deliverRate: rates.deliverRate } : {}),
    ...(rates.catchUpRate && rates.catchUpRate > 0 && backlog > 0 ? { etaSeconds: backlog / rates.catchUpRate } : {}),
    stalledSeconds,
    ...(lastActive ? { lastActive } : {}),
  };
}

/** Sums counts whose keys were folded together. */
function fold(entries: Iterable<readonly [string, number]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of entries) out[key] = (out[key] ?? 0) + n;
  return out;
}

function time(value: string | undefined): number | undefined {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : undefined;
}

function channelOf(stream: string): string {
  return (Object.entries(StreamName).find(([, name]) => name === stream)?.[0]) ?? stream;
}

/** Members as the dashboard names them, the secretariat included. */
export function memberNames(config: Readonly<AllianceConfig>): MemberName[] {
  const names = config.members.map((m) => ({ code: m.code, en: m.country.en, native: m.country.native }));
  names.push({ code: SECRETARIAT_CODE, en: "Secretariat", native: "Secretariat" });
  return names;
}
