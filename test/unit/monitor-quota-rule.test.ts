import { describe, expect, it } from "vitest";
import { evaluateRules, type RuleInput } from "../../services/monitor/rules.js";
import type { StreamSample } from "../../services/monitor/types.js";
import { Rule } from "../../services/monitor/view.js";
import { monitorTestConfig } from "../helpers/monitor.js";

const config = monitorTestConfig();

function stream(over: Partial<StreamSample & { channel: string }>): StreamSample & { channel: string; title: string } {
  return { name: "ALLIANCE_CRIME", channel: "crime", title: "crime", messages: 0, bytes: 0, firstSeq: 1, lastSeq: 0, consumerCount: 0, maxMsgs: -1, maxBytes: 1 << 30, replicas: 1, ...over };
}
function input(streams: RuleInput["streams"]): RuleInput {
  return {
    now: Date.now(), thresholds: config.monitor.thresholds, streams, consumers: [], missing: [], quarantine: { lastMinute: 0 }, advisories: { counts: [], latest: [] },
    collector: {}, members: [{ code: "fr", en: "France", native: "France" }, { code: "es", en: "Spain", native: "España" }],
  };
}

describe("monitor - storage rule: who is at its quota", () => {
  it("names each origin with subjects at the per-subject cap, per stream, and nobody below it; the stream itself is far from full", () => {
    const checks = evaluateRules(input([
      stream({ maxMsgsPerSubject: 3, messages: 8, subjects: { "alliance.crime.fr.bulletin": 3, "alliance.crime.fr.alert": 3, "alliance.crime.es.bulletin": 2 } }),
      stream({ name: "ALLIANCE_QUARANTINE", channel: "quarantine", maxMsgsPerSubject: 3, messages: 3, subjects: { "alliance.quarantine.fr.unsigned": 3 } }),
    ]));
    const quota = checks.filter((c) => c.rule === Rule.Storage && c.member !== undefined);
    expect(quota.map((c) => [c.stream, c.member, c.level])).toEqual([["ALLIANCE_CRIME", "fr", "warn"], ["ALLIANCE_QUARANTINE", "fr", "warn"]]);
    expect(quota[0]!.message).toMatch(/^France \(fr\) is at its quota on ALLIANCE_CRIME: 2 of its subjects hold the cap of 3 messages/);
    expect(checks.find((c) => c.rule === Rule.StreamLimits && c.stream === "ALLIANCE_CRIME")?.level).toBe("ok");
  });

  it("in quarantine, a writer whose copies claim another origin is not blamed, nor is the claimed origin (a writer's word could frame it)", () => {
    const q = (writer: string, byWriterOrigin: Record<string, Record<string, number>>) => evaluateRules({
      ...input([stream({ name: "ALLIANCE_QUARANTINE", channel: "quarantine", maxMsgsPerSubject: 3, messages: 3, subjects: { [`alliance.quarantine.${writer}.bad-signature`]: 3 } })]),
      quarantine: { lastMinute: 0, byWriterOrigin },
    }).filter((c) => c.rule === Rule.Storage && c.stream === "ALLIANCE_QUARANTINE");
    const honest = q("es", { es: { fr: 3 } });
    expect(honest.map((c) => c.member)).toEqual([undefined]);
    expect(honest[0]!.message).toMatch(/^Spain \(es\)'s quarantine copies are at the cap on ALLIANCE_QUARANTINE: .*claiming to come from France \(fr\), by its account/);
    expect(q("fr", { fr: { es: 3 } }).map((c) => c.member)).toEqual([undefined]);
    // Copies of its own messages, or of nothing a subject names: the writer is the one at its quota.
    expect(q("fr", { fr: { fr: 2, es: 1 } }).map((c) => c.member)).toEqual(["fr"]);
    expect(q("fr", { fr: { unknown: 3 } }).map((c) => c.member)).toEqual(["fr"]);
  });

  it("says nothing without a per-subject cap or per-subject counts", () => {
    const checks = evaluateRules(input([stream({ subjects: { "alliance.crime.fr.bulletin": 1_000_000 } }), stream({ maxMsgsPerSubject: 3 })]));
    expect(checks.filter((c) => c.rule === Rule.Storage)).toEqual([]);
  });
});
