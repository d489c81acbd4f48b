import { describe, expect, it } from "vitest";
import { parseAdvisory, tallyAdvisory } from "../../services/monitor/advisories.js";
import { SampleHistory } from "../../services/monitor/history.js";
import { QuarantineCounter, quarantineLastMinute } from "../../services/monitor/quarantine-tally.js";
import { evaluateRules, levelFor, type RuleInput } from "../../services/monitor/rules.js";
import { buildStatus } from "../../services/monitor/status.js";
import { renderStatusTable } from "../../services/monitor/table.js";
import { Level, worst, type ConsumerSample, type Sample, type StreamSample } from "../../services/monitor/types.js";
import { Rule, type Check } from "../../services/monitor/view.js";
import { monitorTestConfig } from "../helpers/monitor.js";

const config = monitorTestConfig();
const thresholds = config.monitor.thresholds;
const NOW = Date.parse("2026-11-29T10:00:00Z");

function stream(over: Partial<StreamSample> = {}): StreamSample & { channel: string; title: string } {
  return { name: "ALLIANCE_CRIME", channel: "crime", title: "crime", messages: 10, bytes: 1000, firstSeq: 1, lastSeq: 10, consumerCount: 1, maxMsgs: -1, maxBytes: -1, replicas: 1, ...over };
}
function consumer(over: Partial<ConsumerSample> = {}): ConsumerSample {
  return {
    stream: "ALLIANCE_CRIME", name: "fr-crime-desk", durable: true, ackPolicy: "explicit", pending: 0, ackPending: 0, maxAckPending: 1000,
    redelivered: 0, waiting: 1, deliveredStreamSeq: 10, deliveredConsumerSeq: 10, ackFloorStreamSeq: 10, ackFloorConsumerSeq: 10,
    created: "2026-11-29T09:00:00Z", lastAck: "2026-11-29T09:59:59Z", ...over,
  };
}
function input(over: Partial<RuleInput> = {}): RuleInput {
  return {
    now: NOW, thresholds, streams: [], consumers: [], missing: [], quarantine: { lastMinute: 0 }, advisories: { counts: [], latest: [] },
    collector: {}, members: [{ code: "fr", en: "France", native: "France" }, { code: "ma", en: "Morocco", native: "المملكة المغربية" }], ...over,
  };
}
function viewOf(c: ConsumerSample, over: { stalledSeconds?: number; member?: string } = {}) {
  return { ...c, key: `${c.stream}/${c.name}`, backlog: c.pending + c.ackPending, stalledSeconds: 0, ...over };
}
const find = (checks: Check[], rule: Rule) => checks.find((c) => c.rule === rule)!;

describe("monitor rules - thresholds", () => {
  it("rules - a value at or above a threshold raises the level", () => {
    expect(levelFor(9, { warn: 10, critical: 20 })).toBe(Level.Ok);
    expect(levelFor(10, { warn: 10, critical: 20 })).toBe(Level.Warn);
    expect(levelFor(20, { warn: 10, critical: 20 })).toBe(Level.Critical);
    expect(worst([Level.Ok, Level.Critical, Level.Warn])).toBe(Level.Critical);
    expect(worst([])).toBe(Level.Ok);
  });

  it("rules - consumer lag, ack pending near its limit and a stall each name the consumer, its member and the stream", () => {
    const lagging = viewOf(consumer({ pending: 12_000 }), { member: "fr" });
    const lag = find(evaluateRules(input({ consumers: [{ ...lagging, catchUpRate: -5 }] })), Rule.ConsumerLag);
    expect(lag.level).toBe(Level.Critical);
    expect(lag.message).toBe("Consumer fr-crime-desk of France (fr) on ALLIANCE_CRIME is 12,000 messages behind (warn at 1,000, critical at 10,000), falling behind by 5 msg/s.");
    expect(lag).toMatchObject({ stream: "ALLIANCE_CRIME", consumer: "fr-crime-desk", member: "fr" });

    const acks = find(evaluateRules(input({ consumers: [viewOf(consumer({ ackPending: 850, pending: 40 }))] })), Rule.AckPending);
    expect(acks.level).toBe(Level.Warn);
    expect(acks.message).toContain("850 of at most 1,000 deliveries unacknowledged (85%)");

    const stalled = find(evaluateRules(input({ consumers: [viewOf(consumer({ pending: 3 }), { stalledSeconds: 400, member: "ma" })] })), Rule.ConsumerStalled);
    expect(stalled.level).toBe(Level.Critical);
    expect(stalled.message).toContain("Consumer fr-crime-desk of Morocco (ma) on ALLIANCE_CRIME has acknowledged nothing for 7 min with 3 message(s) waiting");
  });

  it("rules - a consumer at its ack limit with nothing waiting behind it (one at a time, as the secretariat's) is OK", () => {
    const serial = find(evaluateRules(input({ consumers: [viewOf(consumer({ ackPending: 1, maxAckPending: 1, pending: 0 }))] })), Rule.AckPending);
    expect(serial.level).toBe(Level.Ok);
    const blocked = find(evaluateRules(input({ consumers: [viewOf(consumer({ ackPending: 1, maxAckPending: 1, pending: 5 }))] })), Rule.AckPending);
    expect(blocked.level).toBe(Level.Critical);
  });

  it("rules - replicas: offline peers, lagging peers and a lost leader", () => {
    const peers = (offline: number, lagging: number) => ["n1", "n2"].map((name, i) => ({ name, current: i >= lagging, offline: i < offline, lag: i < lagging ? 42 : 0, activeSeconds: 0.1 }));
    const clustered = (over: Partial<StreamSample["cluster"]> & { peers: ReturnType<typeof peers> }) => stream({ replicas: 3, cluster: { leader: "n3", ...over } });
    expect(find(evaluateRules(input({ streams: [clustered({ peers: peers(0, 0) })] })), Rule.Replicas).level).toBe(Level.Ok);
    const lagging = find(evaluateRules(input({ streams: [clustered({ peers: peers(0, 1) })] })), Rule.Replicas);
    expect(lagging.level).toBe(Level.Warn);
    expect(lagging.message).toBe("Stream ALLIANCE_CRIME: replica n1 (42 operations behind) not current (leader n3).");
    expect(find(evaluateRules(input({ streams: [clustered({ peers: peers(1, 0) })] })), Rule.Replicas).level).toBe(Level.Warn);
    expect(find(evaluateRules(input({ streams: [clustered({ peers: peers(2, 0) })] })), Rule.Replicas).level).toBe(Level.Critical);
    const leaderless = stream({ replicas: 3, cluster: { peers: peers(0, 0) } });
    expect(find(evaluateRules(input({ streams: [leaderless] })), Rule.Replicas)).toMatchObject({ level: Level.Critical, message: expect.stringContaining("has no leader") });
    expect(find(evaluateRules(input({ streams: [stream()] })), Rule.Replicas).level).toBe(Level.Ok);
  });

  it("rules - a stream near its message or byte limit", () => {
    const full = find(evaluateRules(input({ streams: [stream({ messages: 960, maxMsgs: 1000 })] })), Rule.StreamLimits);
    expect(full).toMatchObject({ level: Level.Critical, value: 0.96 });
    expect(full.message).toContain("holds 960 of 1,000 messages (96% of its limit)");
    expect(find(evaluateRules(input({ streams: [stream({ bytes: 850 * 1024, maxBytes: 1024 * 1024 })] })), Rule.StreamLimits).level).toBe(Level.Warn);
    expect(find(evaluateRules(input({ streams: [stream()] })), Rule.StreamLimits).level).toBe(Level.Ok);
  });

  it("rules - the quarantine rate names the commonest reason and claimed member; an unreadable JetStream is critical", () => {
    const q = find(evaluateRules(input({ quarantine: { lastMinute: 60, topReason: "bad-signature", topOrigin: "ma" } })), Rule.QuarantineRate);
    expect(q).toMatchObject({ level: Level.Critical, member: "ma" });
    expect(q.message).toContain("most as bad-signature claiming to come from Morocco (ma)");
    const down = evaluateRules(input({ collector: { error: "TIMEOUT", lastSampleAt: NOW - 30_000 } }));
    expect(down[0]).toMatchObject({ rule: Rule.Collector, level: Level.Critical, message: "The monitor cannot read JetStream: TIMEOUT (last good sample 30 s ago)." });
  });

  it("rules - recent max-deliveries and quorum-lost advisories raise warn and critical; old ones expire", () => {
    const event = (kind: string, ageSeconds: number) => ({ kind, at: NOW - ageSeconds * 1000, time: "t", stream: "ALLIANCE_BORDER", consumer: "es-border-desk", detail: "" });
    const checks = evaluateRules(input({ advisories: { counts: [], latest: [event("max_deliver", 10), event("max_deliver", 20), event("stream_quorum_lost", 5), event("max_deliver", 10_000)] } }));
    expect(find(checks, Rule.MaxDeliveries)).toMatchObject({ level: Level.Warn, value: 2, message: expect.stringContaining("es-border-desk on ALLIANCE_BORDER gave up on 2 message(s)") });
    expect(find(checks, Rule.QuorumLost).level).toBe(Level.Critical);
    expect(checks[0]!.level).toBe(Level.Critical);
  });
});

describe("monitor - history, rates and status", () => {
  const sample = (at: number, s: Partial<StreamSample>, c: Partial<ConsumerSample>): Sample => ({ at, streams: [stream(s)], consumers: [consumer(c)], missing: [] });

  it("history - publish and catch-up rates come from successive samples; a reset counter gives no negative rate", () => {
    const history = new SampleHistory({ keepMs: 60_000, rateWindowMs: 10_000 });
    history.add(sample(NOW, { lastSeq: 100 }, { pending: 50, deliveredConsumerSeq: 0 }));
    history.add(sample(NOW + 5_000, { lastSeq: 150 }, { pending: 30, deliveredConsumerSeq: 70 }));
    expect(history.streamRates("ALLIANCE_CRIME").publishRate).toBe(10);
    const rates = history.consumerRates(consumer({ pending: 30, deliveredConsumerSeq: 70 }));
    expect(rates).toMatchObject({ catchUpRate: 4, deliverRate: 14 });
    history.add(sample(NOW + 10_000, { lastSeq: 3 }, { pending: 30, deliveredConsumerSeq: 70 }));
    expect(history.streamRates("ALLIANCE_CRIME").publishRate).toBe(0);
    expect(history.points()).toHaveLength(3);
  });

  it("history - work that appears between samples starts the stall clock then, not at the last acknowledgement", () => {
    const history = new SampleHistory({ keepMs: 600_000, rateWindowMs: 10_000 });
    const oldAck = { lastAck: new Date(NOW - 3_600_000).toISOString() };
    history.add(sample(NOW, {}, { pending: 0, ...oldAck }));
    history.add(sample(NOW + 3_000, {}, { pending: 2, ...oldAck }));
    const status = buildStatus({ now: NOW + 10_000, config, history, quarantine: new QuarantineCounter().snapshot(NOW), advisories: { counts: [], latest: [] }, collector: { lastSampleAt: NOW + 3_000 } });
    const c = status.streams[0]!.consumers[0]!;
    expect(c.stalledSeconds).toBe(10);
    expect(c.member).toBe("fr");

    // Seen with work from the start: the server's last acknowledgement is all there is to go by.
    const fresh = new SampleHistory({ keepMs: 600_000, rateWindowMs: 10_000 });
    fresh.add(sample(NOW, {}, { pending: 2, ...oldAck }));
    const stalled = buildStatus({ now: NOW, config, history: fresh, quarantine: new QuarantineCounter().snapshot(NOW), advisories: { counts: [], latest: [] }, collector: { lastSampleAt: NOW } });
    expect(stalled.streams[0]!.consumers[0]!.stalledSeconds).toBe(3600);
    expect(stalled.overall).toBe(Level.Critical);
    expect(renderStatusTable(stalled, { colour: false })).toMatch(/ALLIANCE_CRIME\s+fr-crime-desk\s+fr\s+critical\s+2/);
  });

  it("status - a replica unheard from past replicaSilentSeconds counts as offline (nats-server 2.9 only marks it not current)", () => {
    const history = new SampleHistory({ keepMs: 60_000, rateWindowMs: 10_000 });
    const peers = [{ name: "n1", current: false, offline: false, lag: 0, activeSeconds: 45 }, { name: "n3", current: true, offline: false, lag: 0, activeSeconds: 0.5 }];
    history.add({ at: NOW, streams: [stream({ replicas: 3, cluster: { leader: "n2", peers } })], consumers: [], missing: [] });
    const status = buildStatus({ now: NOW, config, history, quarantine: new QuarantineCounter().snapshot(NOW), advisories: { counts: [], latest: [] }, collector: { lastSampleAt: NOW } });
    expect(status.streams[0]!.cluster!.peers.map((p) => p.offline)).toEqual([true, false]);
    expect(find([...status.checks], Rule.Replicas)).toMatchObject({ level: Level.Warn, message: "Stream ALLIANCE_CRIME: replica n1 offline (last heard 45 s ago); leader n2." });
  });

  it("quarantine counter - counts by reason, claimed origin and writer once per sequence, and the last minute by stored time", () => {
    const counter = new QuarantineCounter();
    const example = (seq: number, reason: string, origin: string, ageSeconds: number) => ({ seq, writer: seq === 3 ? "sec" : "fr", reason, claimedOrigin: origin, time: new Date(NOW - ageSeconds * 1000).toISOString(), detail: "", originalSubject: `alliance.crime.${origin}.bulletin`, consumer: "x", bytes: 10 });
    counter.add(example(1, "bad-signature", "ma", 120));
    counter.add(example(2, "bad-signature", "ma", 30));
    counter.add(example(3, "unsigned", "", 10));
    counter.add(example(2, "bad-signature", "ma", 30)); // a re-read after reconnecting
    const tally = counter.snapshot(NOW);
    expect(tally).toMatchObject({ read: 3, lastSeq: 3, byReason: { "bad-signature": 2, unsigned: 1 }, byOrigin: { ma: 2, unknown: 1 }, byWriter: { fr: 2, sec: 1 } });
    expect(tally.latest.map((e) => e.seq)).toEqual([3, 2, 1]);
    expect(quarantineLastMinute(tally, NOW)).toEqual({ count: 2, topReason: "bad-signature", topOrigin: "ma" });
  });

  it("status - reasons outside the protocol and origins that are no member code are counted as other, never as labels of their own", () => {
    const counter = new QuarantineCounter();
    const hostile = (seq: number, reason: string, origin: string) => ({ seq, writer: seq === 2 ? "<i>x</i>" : "es", reason, claimedOrigin: origin, time: new Date(NOW).toISOString(), detail: "", originalSubject: "", consumer: "", bytes: 0 });
    counter.add(hostile(1, "bad-signature", "ma"));
    counter.add(hostile(2, "<script>", "<b>zz</b>"));
    counter.add(hostile(3, "made-up", "ma"));
    const history = new SampleHistory({ keepMs: 60_000, rateWindowMs: 10_000 });
    history.add({ at: NOW, streams: [stream({ name: "ALLIANCE_QUARANTINE", subjects: { "alliance.quarantine.es.bad-signature": 1, "alliance.quarantine.es.<script>": 1, "alliance.quarantine.es.made-up": 1 } })], consumers: [], missing: [] });
    const status = buildStatus({ now: NOW, config, history, quarantine: counter.snapshot(NOW), advisories: { counts: [], latest: [] }, collector: { lastSampleAt: NOW } });
    expect(status.quarantine.retainedByReason).toEqual({ "bad-signature": 1, other: 2 });
    expect(status.quarantine.byReason).toEqual({ "bad-signature": 1, other: 2 });
    expect(status.quarantine.byOrigin).toEqual({ ma: 2, other: 1 });
    expect(status.quarantine.byWriter).toEqual({ es: 2, other: 1 });
    expect(status.quarantine.byReasonOrigin).toEqual({ "bad-signature": { ma: 1 }, other: { other: 1, ma: 1 } });
  });

  it("advisories - JetStream advisories are read by kind with stream and consumer; anything else is ignored", () => {
    const bytes = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
    const max = parseAdvisory(bytes({ type: "io.nats.jetstream.advisory.v1.max_deliver", timestamp: "2026-11-29T10:00:00Z", stream: "ALLIANCE_CRIME", consumer: "fr-crime-desk", stream_seq: 7, deliveries: 5 }), NOW)!;
    expect(max).toMatchObject({ kind: "max_deliver", stream: "ALLIANCE_CRIME", consumer: "fr-crime-desk", detail: "stream seq 7, after 5 deliveries" });
    expect(parseAdvisory(bytes({ no: "type" }), NOW)).toBeUndefined();
    expect(parseAdvisory(new TextEncoder().encode("not json"), NOW)).toBeUndefined();
    expect(parseAdvisory(new TextEncoder().encode('{"type":"x","__proto__":{"polluted":true}}'), NOW)).toBeUndefined();
    const tally = tallyAdvisory(tallyAdvisory({ counts: [], latest: [] }, max), max);
    expect(tally.counts).toEqual([{ kind: "max_deliver", stream: "ALLIANCE_CRIME", consumer: "fr-crime-desk", count: 2 }]);
  });
});

describe("monitor rules - storage (issue 11)", () => {
  const flooded = stream({ name: "ALLIANCE_CRIME", maxBytes: 1000, bytes: 990, subjects: { "alliance.crime.fr.bulletin": 900, "alliance.crime.fr.alert": 80, "alliance.crime.ma.bulletin": 20 } });
  it("storage - the account near its limit is critical and names the member holding most of it", () => {
    const checks = evaluateRules(input({ streams: [flooded], storage: { account: { used: 97, limit: 100 } } }));
    const storage = checks.find((c) => c.rule === Rule.Storage)!;
    expect(storage.level).toBe(Level.Critical);
    expect(storage.member).toBe("fr");
    expect(storage.message).toMatch(/France \(fr\) \(98%\)/);
    const limits = checks.find((c) => c.rule === Rule.StreamLimits)!;
    expect(limits).toMatchObject({ level: Level.Critical, member: "fr" });
    expect(limits.message).toMatch(/new messages will be refused/);
  });
  it("storage - without limits the use is shown, ok; the server's use is checked beside the account's", () => {
    const checks = evaluateRules(input({ streams: [flooded], storage: { account: { used: 5_000, limit: -1 }, server: { used: 85, limit: 100, reserved: 60 } } })).filter((c) => c.rule === Rule.Storage);
    expect(checks.map((c) => c.level)).toEqual([Level.Warn, Level.Ok]);
    expect(checks[1]!.message).toMatch(/no limit set/);
    expect(checks[0]!.message).toMatch(/^The server uses .* reserved by stream limits/);
    expect(checks[0]!.member).toBe("fr");
  });
});
