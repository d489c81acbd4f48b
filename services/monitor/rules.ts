import type { MonitorThresholds } from "../../schemas/monitor.js";
import { AdvisoryKind } from "./advisories.js";
import { Level, type AdvisoryTally, type AdvisoryEvent, type StorageSample, type StorageUse } from "./types.js";
import { Rule, type Check, type ConsumerView, type MemberName, type StreamView } from "./view.js";
import { StreamName } from "../bus/wire/subjects.js";

/**
 * The health rules: pure functions from what the monitor sees to `ok` / `warn` / `critical`, each
 * with a sentence naming the stream, the consumer and the member. Thresholds come from config.
 */

export interface RuleInput {
  readonly now: number;
  readonly thresholds: MonitorThresholds;
  readonly streams: readonly Omit<StreamView, "level" | "consumers">[];
  readonly consumers: readonly Omit<ConsumerView, "level">[];
  readonly missing: readonly { readonly stream: string; readonly error: string }[];
  readonly quarantine: {
    readonly lastMinute: number; readonly topReason?: string; readonly topOrigin?: string;
    /** By writer, the origins its quarantine copies claim (QuarantineTally.byWriterOrigin). */
    readonly byWriterOrigin?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  };
  readonly advisories: AdvisoryTally;
  readonly collector: { readonly error?: string; readonly lastSampleAt?: number };
  readonly members: readonly MemberName[];
  /** The account's (and the server's) JetStream storage, when sampled. */
  readonly storage?: StorageSample;
}

/** `value` against a warn/critical pair: at or above a threshold raises the level. */
export function levelFor(value: number, t: { warn: number; critical: number }): Level {
  return value >= t.critical ? Level.Critical : value >= t.warn ? Level.Warn : Level.Ok;
}

export function evaluateRules(input: RuleInput): Check[] {
  const checks: Check[] = [
    ...collectorCheck(input),
    ...input.missing.map((m): Check => ({ rule: Rule.StreamMissing, level: Level.Critical, stream: m.stream, message: `Stream ${m.stream} cannot be read: ${m.error}.` })),
    ...input.streams.flatMap((s) => [streamLimitsCheck(s, input), replicasCheck(s)]),
    ...storageChecks(input),
    ...quotaChecks(input.streams, input.members, input.quarantine.byWriterOrigin),
    ...input.consumers.flatMap((c) => consumerChecks(c, input)),
    quarantineCheck(input),
    ...advisoryChecks(input),
  ];
  const order = { critical: 0, warn: 1, ok: 2 };
  return checks.sort((a, b) => order[a.level] - order[b.level]);
}

function collectorCheck({ collector, now }: RuleInput): Check[] {
  if (!collector.error) return [{ rule: Rule.Collector, level: Level.Ok, message: "The monitor reads JetStream." }];
  const since = collector.lastSampleAt ? ` (last good sample ${seconds((now - collector.lastSampleAt) / 1000)} ago)` : "";
  return [{ rule: Rule.Collector, level: Level.Critical, message: `The monitor cannot read JetStream: ${collector.error}${since}.` }];
}

function streamLimitsCheck(s: Omit<StreamView, "level" | "consumers">, { thresholds: t, members }: RuleInput): Check {
  const usage = [
    s.maxMsgs > 0 ? { ratio: s.messages / s.maxMsgs, text: `${count(s.messages)} of ${count(s.maxMsgs)} messages` } : undefined,
    s.maxBytes > 0 ? { ratio: s.bytes / s.maxBytes, text: `${bytes(s.bytes)} of ${bytes(s.maxBytes)}` } : undefined,
  ].filter((u) => u !== undefined);
  if (usage.length === 0) return { rule: Rule.StreamLimits, level: Level.Ok, stream: s.name, message: `Stream ${s.name} has no message or byte limit (${bytes(s.bytes)}).` };
  const fullest = usage.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  const level = levelFor(fullest.ratio, t.streamUsageRatio);
  const top = topOrigin([s]);
  const who = level !== Level.Ok && top ? `; most of it from ${memberLabel(top.origin, members)} (${percent(top.share)} of its messages)` : "";
  // The streams discard new messages when full (services/bus/admin/streams.ts): nothing old is lost, new ones are refused.
  const tail = level === Level.Ok ? "" : ": new messages will be refused when it is full";
  return { rule: Rule.StreamLimits, level, stream: s.name, value: fullest.ratio, ...(level !== Level.Ok && top ? { member: top.origin } : {}), message: `Stream ${s.name} holds ${fullest.text} (${percent(fullest.ratio)} of its limit)${who}${tail}.` };
}

/** The origin with the most stored messages across `streams` (subjects `alliance.<channel>.<origin>.<kind>`). */
export function topOrigin(streams: readonly Pick<StreamView, "name" | "subjects">[]): { origin: string; share: number } | undefined {
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const s of streams) {
    for (const [subject, n] of Object.entries(s.subjects ?? {})) {
      const parts = subject.split(".");
      if (parts[1] === "quarantine" || parts.length < 4) continue;
      byOrigin.set(parts[2]!, (byOrigin.get(parts[2]!) ?? 0) + n);
      total += n;
    }
  }
  if (total === 0) return undefined;
  const [origin, n] = [...byOrigin].reduce((a, b) => (b[1] > a[1] ? b : a));
  return { origin, share: n / total };
}

/**
 * The alliance account's JetStream storage against its limit, and the server's against its own,
 * naming the origin that holds the most of it. Without a limit the use is still shown (ok).
 */
function storageChecks({ storage, streams, thresholds: t, members }: RuleInput): Check[] {
  if (!storage) return [];
  const top = topOrigin(streams);
  const one = (what: string, use: StorageUse): Check => {
    if (use.limit <= 0) return { rule: Rule.Storage, level: Level.Ok, message: `${what} uses ${bytes(use.used)} of JetStream storage (no limit set${what === "The alliance account" ? ": quotas.accountMaxFileBytes" : ""}).` };
    const ratio = use.used / use.limit;
    const level = levelFor(ratio, t.streamUsageRatio);
    const who = level !== Level.Ok && top ? `; the largest share of stored messages is from ${memberLabel(top.origin, members)} (${percent(top.share)})` : "";
    const reserved = use.reserved !== undefined ? `, ${bytes(use.reserved)} reserved by stream limits` : "";
    const tail = level === Level.Ok ? "" : ": publishes will be refused when it is full (docs/operations.md, \"After a flood\")";
    return { rule: Rule.Storage, level, value: ratio, ...(level !== Level.Ok && top ? { member: top.origin } : {}), message: `${what} uses ${bytes(use.used)} of ${bytes(use.limit)} (${percent(ratio)})${reserved}${who}${tail}.` };
  };
  return [one("The alliance account", storage.account), ...(storage.server ? [one("The server", storage.server)] : [])];
}

/**
 * Who is at its quota: an origin (a writer, in quarantine) with subjects at the stream's
 * per-subject cap. Its new messages there are refused and nobody else's, so the stream itself
 * never fills (docs/security.md, "Quotas") and the stream and account rules stay quiet; this one
 * names the member, whether it floods or has simply used its share.
 *
 * In quarantine the subject names the writer, and every subscriber must copy what it rejects: a
 * member's junk fills the honest writers' subjects. When most of a writer's copies claim another
 * origin, the check names both and blames neither (`member` unset): the claim is the writer's
 * word, so taking it would let a writer frame another member, and ignoring it blamed the honest
 * writer for the junk it copied (test/integration/attack-monitor-blame.test.ts).
 */
function quotaChecks(streams: RuleInput["streams"], members: RuleInput["members"], byWriterOrigin: Readonly<Record<string, Readonly<Record<string, number>>>> = {}): Check[] {
  const checks: Check[] = [];
  for (const s of streams) {
    const cap = s.maxMsgsPerSubject ?? -1;
    if (cap <= 0 || !s.subjects) continue;
    const full = new Map<string, { subjects: number; messages: number }>();
    for (const [subject, n] of Object.entries(s.subjects)) {
      const origin = subject.split(".")[2];
      if (origin === undefined || n < cap) continue;
      const at = full.get(origin) ?? { subjects: 0, messages: 0 };
      full.set(origin, { subjects: at.subjects + 1, messages: at.messages + n });
    }
    for (const [origin, at] of full) {
      const claimed = s.name === StreamName.quarantine ? mostClaimed(byWriterOrigin[origin]) : undefined;
      if (claimed && claimed.origin !== origin && claimed.origin !== "unknown") {
        checks.push({
          rule: Rule.Storage, level: Level.Warn, stream: s.name, value: at.subjects,
          message: `${memberLabel(origin, members)}'s quarantine copies are at the cap on ${s.name}: ${count(at.subjects)} of its reasons hold ${count(cap)} copies (${count(at.messages)} copies); most of its copies (${percent(claimed.share)}) are of messages claiming to come from ${memberLabel(claimed.origin, members)}, by its account. Its new copies there are refused; the originals stay in their streams (docs/operations.md, "After a flood").`,
        });
        continue;
      }
      checks.push({
        rule: Rule.Storage, level: Level.Warn, stream: s.name, member: origin, value: at.subjects,
        message: `${memberLabel(origin, members)} is at its quota on ${s.name}: ${count(at.subjects)} of its subjects hold the cap of ${count(cap)} messages (${count(at.messages)} messages); its new messages there are refused, nobody else's (docs/operations.md, "After a flood").`,
      });
    }
  }
  return checks.sort((a, b) => (b.value ?? 0) - (a.value ?? 0));
}

/** The origin most of one writer's quarantine copies claim, and its share of them. */
function mostClaimed(origins: Readonly<Record<string, number>> | undefined): { origin: string; share: number } | undefined {
  const entries = Object.entries(origins ?? {});
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const [origin, n] = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { origin, share: n / total };
}

function replicasCheck(s: Omit<StreamView, "level" | "consumers">): Check {
  const base = { rule: Rule.Replicas, stream: s.name } as const;
  const cluster = s.cluster;
  if (!cluster || (s.replicas <= 1 && cluster.peers.length === 0)) {
    return { ...base, level: Level.Ok, message: `Stream ${s.name} has a single replica${cluster?.leader ? ` on ${cluster.leader}` : ""}.` };
  }
  if (!cluster.leader) return { ...base, level: Level.Critical, message: `Stream ${s.name} has no leader: it accepts no messages until a quorum of its ${s.replicas} replicas elects one.` };
  const offline = cluster.peers.filter((p) => p.offline);
  const lagging = cluster.peers.filter((p) => !p.offline && !p.current);
  if (offline.length > 0) {
    const level = offline.length >= Math.ceil(s.replicas / 2) ? Level.Critical : Level.Warn;
    return { ...base, level, message: `Stream ${s.name}: replica ${offline.map((p) => `${p.name} offline (last heard ${seconds(p.activeSeconds)} ago)`).join(", ")}; leader ${cluster.leader}.` };
  }
  if (lagging.length > 0) {
    return { ...base, level: Level.Warn, message: `Stream ${s.name}: replica ${lagging.map((p) => `${p.name} (${count(p.lag)} operations behind)`).join(", ")} not current (leader ${cluster.leader}).` };
  }
  return { ...base, level: Level.Ok, message: `Stream ${s.name}: leader ${cluster.leader}, ${cluster.peers.length} replica(s) current.` };
}

function consumerChecks(c: Omit<ConsumerView, "level">, { thresholds: t, members }: RuleInput): Check[] {
  const who = `Consumer ${c.name}${c.member ? ` of ${memberLabel(c.member, members)}` : ""} on ${c.stream}`;
  const base = { stream: c.stream, consumer: c.name, ...(c.member ? { member: c.member } : {}) };

  const lagLevel = levelFor(c.pending, t.consumerPending);
  const pace = c.catchUpRate === undefined ? "" : c.catchUpRate > 0
    ? `, catching up at ${rate(c.catchUpRate)}${c.etaSeconds !== undefined ? ` (about ${seconds(c.etaSeconds)} to go)` : ""}`
    : c.catchUpRate < 0 ? `, falling behind by ${rate(-c.catchUpRate)}` : "";
  const lag: Check = lagLevel === Level.Ok
    ? { ...base, rule: Rule.ConsumerLag, level: lagLevel, value: c.pending, message: `${who} is keeping up (${count(c.pending)} pending).` }
    : { ...base, rule: Rule.ConsumerLag, level: lagLevel, value: c.pending, message: `${who} is ${count(c.pending)} messages behind (warn at ${count(t.consumerPending.warn)}, critical at ${count(t.consumerPending.critical)})${pace}.` };

  const ratio = c.maxAckPending > 0 ? c.ackPending / c.maxAckPending : 0;
  // At its limit the server stops delivering: a problem only while messages wait behind the
  // limit. A consumer that takes one message at a time (the secretariat's) is at 100% whenever
  // it is working, and that alone is not a warning.
  const ackLevel = c.pending > 0 ? levelFor(ratio, t.ackPendingRatio) : Level.Ok;
  const ack: Check = { ...base, rule: Rule.AckPending, level: ackLevel, value: ratio, message: ackLevel === Level.Ok
    ? `${who} has ${count(c.ackPending)} deliveries awaiting acknowledgement.`
    : `${who} has ${count(c.ackPending)} of at most ${count(c.maxAckPending)} deliveries unacknowledged (${percent(ratio)}): the server stops delivering at the limit; its handler is slow or stuck.` };

  const stallLevel = levelFor(c.stalledSeconds, t.stalledSeconds);
  const stall: Check = { ...base, rule: Rule.ConsumerStalled, level: stallLevel, value: c.stalledSeconds, message: stallLevel === Level.Ok
    ? `${who} is making progress.`
    : `${who} has acknowledged nothing for ${seconds(c.stalledSeconds)} with ${count(c.backlog)} message(s) waiting (warn at ${seconds(t.stalledSeconds.warn)}, critical at ${seconds(t.stalledSeconds.critical)}): is its subscriber running?` };
  return [lag, ack, stall];
}

function quarantineCheck({ quarantine: q, thresholds: t, members }: RuleInput): Check {
  const level = levelFor(q.lastMinute, t.quarantinePerMinute);
  const member = q.topOrigin && q.topOrigin !== "unknown" ? q.topOrigin : undefined;
  const most = q.topReason ? `, most as ${q.topReason}${member ? ` claiming to come from ${memberLabel(member, members)}` : ""}` : "";
  return {
    rule: Rule.QuarantineRate, level, value: q.lastMinute, ...(member ? { member } : {}),
    message: level === Level.Ok
      ? `${count(q.lastMinute)} message(s) quarantined in the last minute${most}.`
      : `${count(q.lastMinute)} messages quarantined in the last minute (warn at ${count(t.quarantinePerMinute.warn)}, critical at ${count(t.quarantinePerMinute.critical)})${most}: forgeries, a broken publisher or a revoked key?`,
  };
}

function advisoryChecks({ advisories, now, thresholds }: RuleInput): Check[] {
  const windowMs = thresholds.advisoryWindowSeconds * 1000;
  const recent = advisories.latest.filter((a) => now - a.at <= windowMs);
  const checks: Check[] = [];
  const groups = groupBy(recent.filter((a) => a.kind === AdvisoryKind.MaxDeliver), (a) => `${a.stream}/${a.consumer}`);
  for (const events of groups.values()) {
    const a = events[0]!;
    checks.push({ rule: Rule.MaxDeliveries, level: Level.Warn, ...(a.stream ? { stream: a.stream } : {}), ...(a.consumer ? { consumer: a.consumer } : {}), value: events.length,
      message: `Consumer ${a.consumer ?? "?"} on ${a.stream ?? "?"} gave up on ${events.length} message(s) after the maximum deliveries in the last ${seconds(thresholds.advisoryWindowSeconds)}.` });
  }
  for (const a of recent.filter((e) => e.kind === AdvisoryKind.StreamQuorumLost || e.kind === AdvisoryKind.ConsumerQuorumLost)) {
    checks.push({ rule: Rule.QuorumLost, level: Level.Critical, ...(a.stream ? { stream: a.stream } : {}), ...(a.consumer ? { consumer: a.consumer } : {}),
      message: `${a.consumer ? `Consumer ${a.consumer} on stream` : "Stream"} ${a.stream ?? "?"} lost its quorum at ${a.time}: its replicas cannot agree until enough of them are back.` });
  }
  return checks;
}

function groupBy(events: AdvisoryEvent[], key: (e: AdvisoryEvent) => string): Map<string, AdvisoryEvent[]> {
  const map = new Map<string, AdvisoryEvent[]>();
  for (const e of events) map.set(key(e), [...(map.get(key(e)) ?? []), e]);
  return map;
}

/** "France (fr)": the English name in sentences; the dashboard shows the native name beside it. */
export function memberLabel(code: string, members: readonly MemberName[]): string {
  const m = members.find((x) => x.code === code);
  return m ? `${m.en} (${code})` : code;
}

const number = new Intl.NumberFormat("en", { maximumFractionDigits: 1 });
function count(n: number): string {
  return number.format(n);
}
function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
function rate(perSecond: number): string {
  return `${number.format(perSecond)} msg/s`;
}
function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${number.format(n)} ${units[i]}`;
}
/** 45 s, 3 min, 2 h: a duration as people say it. */
export function seconds(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${number.format(s / 3600)} h`;
}
