import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../schemas/registry.js";
import { DIRECTIVE_LIMIT_SECONDS } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { applyTracked, dueAt, dueLevel, emptyTracking, fileSentLog, limitInForce, memorySentLog, ownPlaintext, policyViolation, receiptsView, recallsView, requestsView, type TrackingState } from "../../services/tracking/index.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";

const T0 = "2026-12-01T08:00:00.000Z";

function ev(source: string, kind: string, data: unknown, extra: Partial<AllianceEvent> = {}): AllianceEvent {
  return { specversion: "1.0", id: randomUUID(), source, type: `alliance.crime.${kind}.v1`, time: T0, datacontenttype: "application/json", tlp: "AMBER", lang: "fr", data, ...extra } as AllianceEvent;
}

function request(from: string, to: string[], urgency: "urgent-direct" | "urgent" | "standard", limitSeconds = DIRECTIVE_LIMIT_SECONDS[urgency], time = T0) {
  return ev(from, "request", { subject: "Vessel MV Example", question: "Crew list?", urgency, limitSeconds, due: dueAt(time, limitSeconds), to }, { time, recipients: to });
}

function fold(state: TrackingState, ...events: AllianceEvent[]): void {
  for (const e of events) {
    const broken = policyViolation(state, e);
    if (broken) throw new Error(broken);
    applyTracked(state, e);
  }
}

describe("tracking - deadlines from the signed time", () => {
  it("due is the signed time plus the directive's limit, unless config shortens it", () => {
    expect(limitInForce("urgent-direct")).toBe(8 * 3600);
    expect(limitInForce("urgent")).toBe(3 * 86_400);
    expect(limitInForce("standard")).toBe(7 * 86_400);
    expect(limitInForce("urgent", { limitSeconds: { urgent: 60 } })).toBe(60);
    expect(dueAt(T0, 8 * 3600)).toBe("2026-12-01T16:00:00.000Z");
  });

  it("schema - a request whose due is not time + limitSeconds is refused", () => {
    const good = request("es", ["ma"], "urgent-direct");
    expect(parseEvent(good).success).toBe(true);
    const shifted = { ...good, data: { ...(good.data as object), due: "2026-12-01T17:00:00.000Z" } };
    const parsed = parseEvent(shifted);
    expect(parsed.success).toBe(false);
    expect(parsed.success ? "" : parsed.error).toMatch(/data\.due/);
  });

  it("schema - a limit longer than the directive's for its urgency is refused", () => {
    const tooLong = request("es", ["ma"], "urgent-direct", 9 * 3600);
    const parsed = parseEvent(tooLong);
    expect(parsed.success ? "" : parsed.error).toMatch(/directive/);
  });

  it("levels - warn at 75 % of the limit, overdue at due", () => {
    const r = { time: T0, limitSeconds: 100 };
    const t = Date.parse(T0);
    expect(dueLevel(r, t + 74_000)).toBe("ok");
    expect(dueLevel(r, t + 75_000)).toBe("warn");
    expect(dueLevel(r, t + 100_000)).toBe("overdue");
  });

  it("views - every member that folded the same events lists the same overdue requests for a given now", () => {
    const r1 = request("sn", ["fr"], "standard", 60);
    const r2 = request("es", ["ma"], "urgent-direct", 3600);
    const answer = ev("ma", "response", { request: r2.id, requester: "es", answer: "Crew list attached." }, { recipients: ["es"], time: "2026-12-01T08:10:00.000Z" });
    const at = [emptyTracking(), emptyTracking(), emptyTracking()];
    for (const s of at) fold(s, r1, r2, answer);
    const now = Date.parse(T0) + 120_000;
    const views = at.map((s) => requestsView(s, now));
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    const overdue = views[0]!.filter((v) => v.level === "overdue");
    expect(overdue.map((v) => [v.from, v.pending])).toEqual([["sn", ["fr"]]]);
    expect(views[0]!.find((v) => v.id === r2.id)).toMatchObject({ pending: [], answered: [{ member: "ma", late: false }], level: "ok" });
    // Both sides see it, a third member does not when it was not addressed to it.
    expect(requestsView(at[0]!, now, "fr").map((v) => v.id)).toEqual([r1.id]);
    expect(requestsView(at[0]!, now, "sn").map((v) => v.id)).toEqual([r1.id]);
    expect(requestsView(at[0]!, now, "it")).toEqual([]);
  });
});

describe("tracking - policy", () => {
  const bulletin = () => ev("it", "bulletin", sampleCrimeBulletin(), { tlp: "RED", recipients: ["sn", "ma", "es"] });

  it("a retract by anyone but the originator is refused", () => {
    const s = emptyTracking();
    const b = bulletin();
    fold(s, b);
    expect(policyViolation(s, ev("ma", "retract", { of: b.id, origin: "it", reason: "no" }))).toMatch(/not by its originator it/);
    expect(policyViolation(s, ev("ma", "retract", { of: b.id, origin: "ma", reason: "no" }))).toMatch(/not by its originator it/);
    expect(policyViolation(s, ev("it", "retract", { of: b.id, origin: "it", reason: "sent in error" }))).toBeUndefined();
  });

  it("a receipt for an event the sender never received is refused", () => {
    const s = emptyTracking();
    const b = bulletin();
    fold(s, b);
    expect(policyViolation(s, ev("fr", "receipt", { of: b.id, origin: "it", status: "read" }, { recipients: ["it"] }))).toMatch(/never received/);
    expect(policyViolation(s, ev("ma", "receipt", { of: b.id, origin: "it", status: "read" }, { recipients: ["it"] }))).toBeUndefined();
    // Unrestricted receipt about an event nobody saw: not in the stream.
    expect(policyViolation(s, ev("fr", "receipt", { of: randomUUID(), origin: "it", status: "received" }))).toMatch(/not in the stream/);
    // Restricted to the originator, who knows every event it published.
    expect(policyViolation(s, ev("fr", "receipt", { of: randomUUID(), origin: "it", status: "received" }, { recipients: ["it"] }), "it")).toMatch(/never published/);
  });

  it("a derived event needs the originator's consent naming every new recipient", () => {
    const s = emptyTracking();
    const b = bulletin();
    fold(s, b);
    const derived = (recipients: string[] | undefined) => ev("es", "bulletin", sampleCrimeBulletin(), { tlp: "RED", derivedfrom: `it:${b.id}`, ...(recipients ? { recipients } : {}) });
    expect(policyViolation(s, derived(["fr"]))).toMatch(/without the originator's consent/);
    // Consent signed by someone other than the originator is refused, and counts for nothing.
    const forged = ev("es", "receipt", { of: b.id, origin: "it", status: "consented", grantee: "es", to: ["fr"] }, { recipients: ["es", "fr"] });
    expect(policyViolation(s, forged)).toMatch(/not by its originator/);
    fold(s, ev("it", "receipt", { of: b.id, origin: "it", status: "consented", grantee: "es", to: ["fr"] }, { recipients: ["es", "fr"] }));
    expect(policyViolation(s, derived(["fr"]))).toBeUndefined();
    expect(policyViolation(s, derived(["fr", "bh"]))).toMatch(/fewer recipients/);
    expect(policyViolation(s, derived(undefined))).toMatch(/not restricted/);
    // Consent is for the grantee only.
    expect(policyViolation(s, { ...derived(["fr"]), source: "ma" })).toMatch(/without the originator's consent/);
  });

  it("a derived event from a GREEN original the checker can read needs no consent; an unseen original does", () => {
    const s = emptyTracking();
    const green = ev("it", "bulletin", sampleCrimeBulletin(), { tlp: "GREEN" });
    fold(s, green);
    expect(policyViolation(s, ev("es", "bulletin", sampleCrimeBulletin(), { derivedfrom: `it:${green.id}` }))).toBeUndefined();
    expect(policyViolation(s, ev("es", "bulletin", sampleCrimeBulletin(), { derivedfrom: `it:${randomUUID()}`, recipients: ["fr"] }))).toMatch(/not visible/);
    const h2 = ev("it", "bulletin", sampleCrimeBulletin(), { tlp: "GREEN", handling: "H2" });
    fold(s, h2);
    expect(policyViolation(s, ev("es", "bulletin", sampleCrimeBulletin(), { derivedfrom: `it:${h2.id}`, recipients: ["fr"] }))).toMatch(/GREEN\/H2/);
  });
});

describe("tracking - the originator's receipts and recall views", () => {
  it("lists each recipient's latest status and who has complied with a retract", () => {
    const s = emptyTracking();
    const b = ev("it", "bulletin", sampleCrimeBulletin(), { recipients: ["sn", "ma", "es"] });
    const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString();
    const receipt = (from: string, status: string, min: number) => ev(from, "receipt", { of: b.id, origin: "it", status }, { recipients: ["it"], time: at(min) });
    fold(s, b, receipt("sn", "received", 1), receipt("ma", "received", 1), receipt("sn", "read", 2));
    const v = receiptsView(s, b.id);
    expect(v.members.map((m) => [m.member, m.status ?? null])).toEqual([["es", null], ["ma", "received"], ["sn", "read"]]);
    expect(v.missing).toEqual(["es"]);
    fold(s, ev("it", "retract", { of: b.id, origin: "it", reason: "sent in error" }, { time: at(3) }), receipt("sn", "retracted-applied", 4), receipt("ma", "retracted-applied", 4));
    const deadline = 600;
    const before = recallsView(s, Date.parse(T0) + 5 * 60_000, deadline, "it");
    expect(before).toMatchObject([{ event: b.id, complied: ["ma", "sn"], pending: ["es"], overdue: false }]);
    expect(recallsView(s, Date.parse(T0) + 14 * 60_000, deadline, "it")[0]!.overdue).toBe(true);
  });
});

describe("tracking - monitor rules", () => {
  it("warn at 75 % of the limit, critical when overdue, one check per pending member however many members list it", async () => {
    const { trackingStatus } = await import("../../services/monitor/tracking-rules.js");
    const s = emptyTracking();
    const r = request("sn", ["fr"], "standard", 100);
    fold(s, r);
    const t0 = Date.parse(T0);
    const views = (now: number) => ["sn", "fr"].map((member) => ({ member, at: "", requests: requestsView(s, now, member), recalls: [], receipts: [] }));
    const cfg = { warnRatio: 0.75, receiptDeadlineSeconds: 3600, recallDeadlineSeconds: 3600 };
    const at = (now: number) => trackingStatus(views(now), now, cfg).checks.filter((c) => c.rule === "request-overdue");
    expect(at(t0 + 50_000).map((c) => c.level)).toEqual(["ok"]);
    expect(at(t0 + 80_000).map((c) => [c.level, c.member])).toEqual([["warn", "fr"]]);
    const overdue = at(t0 + 100_000);
    expect(overdue.map((c) => [c.level, c.member])).toEqual([["critical", "fr"]]);
    expect(overdue[0]!.message).toMatch(/overdue/);
  });
});

describe("tracking - sealed events", () => {
  it("folds an opened sealed event's plaintext, and only the metadata of one it cannot open", () => {
    const s = emptyTracking();
    const opened = { ...request("sn", ["fr"], "urgent", 600), datacontenttype: "application/jose+json" } as AllianceEvent;
    const unopened = { ...request("sn", ["ma"], "urgent", 600), datacontenttype: "application/jose+json", data: { protected: "eyJlbmMiOiJBMjU2R0NNIn0", ciphertext: "x", iv: "y", tag: "z", recipients: [] } } as AllianceEvent;
    fold(s, opened, unopened);
    expect([...s.requests.keys()]).toEqual([opened.id]);
    expect(s.events.get(unopened.id)).toMatchObject({ source: "sn", recipients: ["ma"] });
  });
});

describe("tracking - the originator's own sealed events", () => {
  const sealedAs = (plain: AllianceEvent): AllianceEvent => ({ ...plain, datacontenttype: "application/jose+json", data: { ciphertext: "…" } } as AllianceEvent);

  it("sent log - a rebuild folds the plaintext the member signed, only where the signed envelope says the same", () => {
    const mine = request("es", ["ma"], "urgent-direct");
    const sent = memorySentLog();
    sent.remember(mine);
    const opened = ownPlaintext(sealedAs(mine), "es", sent);
    expect(opened).toMatchObject({ datacontenttype: "application/json", data: mine.data, recipients: ["ma"] });
    // Someone else's event, another member's view, or an envelope that differs: left sealed.
    expect(ownPlaintext(sealedAs(mine), "ma", sent).datacontenttype).toBe("application/jose+json");
    expect(ownPlaintext(sealedAs(mine), "es", memorySentLog()).datacontenttype).toBe("application/jose+json");
    for (const changed of [{ recipients: ["ma", "fr"] }, { time: "2026-12-01T09:00:00.000Z" }, { type: "alliance.border.request.v1" }]) {
      expect(ownPlaintext({ ...sealedAs(mine), ...changed } as AllianceEvent, "es", sent).datacontenttype).toBe("application/jose+json");
    }
    // A remembered plaintext that fails its type's schema is never folded.
    const bad = memorySentLog();
    bad.remember({ ...mine, data: { subject: "no question" } } as AllianceEvent);
    expect(ownPlaintext(sealedAs(mine), "es", bad).datacontenttype).toBe("application/jose+json");
    // Folded, the request is the member's again, with its deadline.
    const state = emptyTracking();
    applyTracked(state, opened);
    expect(state.requests.get(mine.id)).toMatchObject({ from: "es", to: ["ma"], due: (mine.data as { due: string }).due });
  });

  it("sent log - the file keeps one event a line, mode 0600, and is read back", () => {
    const dir = mkdtempSync(join(tmpdir(), "alliance-sent-"));
    try {
      const path = join(dir, "es.sent.jsonl");
      const mine = request("es", ["ma"], "urgent");
      fileSentLog(path).remember(mine);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(fileSentLog(path).lookup(mine.id)).toEqual(mine);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
