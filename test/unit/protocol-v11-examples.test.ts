import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../schemas/registry.js";
import { applyTracked, emptyTracking, policyViolation, receiptsView, requestsView } from "../../services/tracking/index.js";

const DOC = readFileSync(join(import.meta.dirname, "../../docs/protocol.md"), "utf8");
const section = DOC.slice(DOC.indexOf("## 15. v1.1 requests, receipts, recall"));
const examples = [...section.matchAll(/<!-- v1\.1-example: (accept|schema|policy) -->\n```json\n(.+)\n```/g)].map((m) => ({ verdict: m[1]!, body: JSON.parse(m[2]!) as unknown }));

describe("protocol v1.1 - the worked example of requests, receipts and recall", () => {
  it("has its examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  it("gets, folded in order as a subscriber would, the verdict written above each block", () => {
    const state = emptyTracking();
    // Italy's own view: it checks as the originator does.
    const verdicts = examples.map(({ body }) => {
      const parsed = parseEvent(body);
      if (!parsed.success) return "schema";
      if (policyViolation(state, parsed.event, "it")) return "policy";
      applyTracked(state, parsed.event);
      return "accept";
    });
    expect(verdicts).toEqual(examples.map((e) => e.verdict));
    const view = receiptsView(state, "3f8b2c1e-7a4d-4e2b-9c1a-5d6e7f8a9b0c");
    expect(view.members.map((m) => [m.member, m.status ?? null, m.time ?? null])).toEqual([["es", null, null], ["ma", "retracted-applied", "2026-12-01T12:31:00.000Z"]]);
    expect(view.missing).toEqual(["es"]);
    expect(view.retract).toMatchObject({ complied: ["ma"], pending: ["es"] });
    const [request] = requestsView(state, Date.parse("2026-12-01T16:05:00.000Z"));
    expect(request).toMatchObject({ due: "2026-12-01T16:05:00.000Z", pending: [], answered: [{ member: "ma", late: false }], level: "ok" });
  });
});
