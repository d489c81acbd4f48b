import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { answersPerActor, dueDecisions } from "../../services/secretariat/state/decisions.js";
import { keyStatusAt } from "../../services/secretariat/state/lookup.js";
import { tally } from "../../services/secretariat/state/rules.js";
import { applicationData, fakeJwk, FOUNDERS, GovWorld, modelData } from "../helpers/secretariat.js";

const unanimity = { kind: "unanimity" };

function applyFor(world: GovWorld, code = "jo") {
  const key = fakeJwk(code);
  const filed = world.act("membership-applied", "sec", applicationData(code, key));
  expect(filed.outcome.kind).toBe("applied");
  return { id: filed.id, key };
}

describe("secretariat membership - admission by vote", () => {
  it("admission - unanimous approval is due as a decision, and the decision admits the member and its key from that moment", () => {
    const world = new GovWorld();
    const { id, key } = applyFor(world);
    const votes = world.voteAll("application", id, FOUNDERS);
    const due = dueDecisions(world.state, world.now());
    expect(due).toEqual([{ trigger: id, kind: "membership-decided", data: { application: id, outcome: "admitted", votes, rule: unanimity } }]);

    const before = Date.parse(world.now());
    const decided = world.act("membership-decided", "sec", due[0]!.data);
    expect(decided.outcome).toMatchObject({ kind: "applied" });
    const at = Date.parse(world.now());
    expect(world.state.members.jo).toMatchObject({ status: "active", founding: false, admissions: [{ application: id, decision: decided.id, votes }] });
    expect(keyStatusAt(world.state, key.kid, at)).toMatchObject({ status: "active", member: "jo" });
    expect(keyStatusAt(world.state, key.kid, before)).toEqual({ status: "unknown" });
    expect(dueDecisions(world.state, world.now())).toEqual([]);
  });

  it("admission - six of seven approvals do not carry unanimity: a decision naming them is refused and answered", () => {
    const world = new GovWorld();
    const { id, key } = applyFor(world);
    const votes = world.voteAll("application", id, FOUNDERS.slice(0, 6));
    expect(tally(world.state, world.state.matters[id]!).verdict).toBe("open");
    expect(dueDecisions(world.state, world.now())).toEqual([]);

    const forged = world.act("membership-decided", "sec", { application: id, outcome: "admitted", votes, rule: unanimity });
    expect(forged.outcome).toMatchObject({ kind: "refused", reason: "votes-insufficient" });
    expect(world.state.members.jo).toBeUndefined();
    expect(keyStatusAt(world.state, key.kid, Date.parse(world.now()) + 1000)).toEqual({ status: "unknown" });
    expect(dueDecisions(world.state, world.now())).toEqual([
      { trigger: forged.id, kind: "action-rejected", data: expect.objectContaining({ action: forged.id, kind: "membership-decided", actor: "sec", reason: "votes-insufficient" }) },
    ]);
  });

  it("admission - a decision naming votes that are not recorded on the application, or another rule, is refused", () => {
    const world = new GovWorld();
    const { id } = applyFor(world);
    const other = applyFor(world, "pt");
    const votes = world.voteAll("application", other.id, FOUNDERS);
    expect(world.act("membership-decided", "sec", { application: id, outcome: "admitted", votes, rule: unanimity }).outcome)
      .toMatchObject({ kind: "refused", reason: "votes-insufficient" });
    expect(world.act("membership-decided", "sec", { application: other.id, outcome: "admitted", votes, rule: { kind: "qualified-majority", numerator: 2, denominator: 3 } }).outcome)
      .toMatchObject({ kind: "refused", reason: "invalid" });
    expect(world.state.members.jo).toBeUndefined();
  });

  it("admission - one rejection defeats unanimity: the refusal is due and names the rejecting vote", () => {
    const world = new GovWorld();
    const { id } = applyFor(world);
    world.voteAll("application", id, ["ae", "bh"]);
    const [no] = world.voteAll("application", id, ["fr"], "reject");
    const due = dueDecisions(world.state, world.now());
    expect(due).toEqual([{ trigger: id, kind: "membership-decided", data: { application: id, outcome: "refused", votes: [no], rule: unanimity } }]);
    expect(world.act("membership-decided", "sec", due[0]!.data).outcome.kind).toBe("applied");
    expect(world.state.matters[id]!.decision).toMatchObject({ outcome: "refused" });
    expect(world.act("vote-cast", "es", { on: "application", matter: id, vote: "approve" }).outcome).toMatchObject({ kind: "refused", reason: "closed" });
  });

  it("admission - an adopted operating model's qualified majority replaces the founding unanimity", () => {
    const world = new GovWorld();
    const twoThirds = { kind: "qualified-majority", numerator: 2, denominator: 3 };
    const rules = { admission: twoThirds, amendment: twoThirds, sanctions: twoThirds, workingGroups: { minMembers: 2, maxMembers: 3 } };
    const draft = world.act("operating-model-drafted", "sec", modelData(1, rules));
    world.voteAll("operating-model", draft.id, FOUNDERS.slice(0, 6));
    expect(dueDecisions(world.state, world.now())).toEqual([]); // amendment is unanimous until a model says otherwise
    world.voteAll("operating-model", draft.id, ["sn"]);
    const adoption = dueDecisions(world.state, world.now());
    expect(adoption).toMatchObject([{ kind: "operating-model-adopted", data: { draft: draft.id, version: 1 } }]);
    expect(world.act("operating-model-adopted", "sec", adoption[0]!.data).outcome.kind).toBe("applied");

    const { id } = applyFor(world);
    const votes = world.voteAll("application", id, FOUNDERS.slice(0, 5)); // ceil(7 × 2/3) = 5
    world.voteAll("application", id, ["sn"], "reject");
    expect(dueDecisions(world.state, world.now())).toEqual([{ trigger: id, kind: "membership-decided", data: { application: id, outcome: "admitted", votes, rule: twoThirds } }]);
  });
});

describe("secretariat membership - who may act", () => {
  it("votes - a second vote, the secretariat's vote, a vote on an unknown matter or the wrong kind are refused with their reasons", () => {
    const world = new GovWorld();
    const { id } = applyFor(world);
    world.voteAll("application", id, ["fr"]);
    expect(world.act("vote-cast", "fr", { on: "application", matter: id, vote: "reject" }).outcome).toMatchObject({ kind: "refused", reason: "already-voted" });
    expect(world.act("vote-cast", "sec", { on: "application", matter: id, vote: "approve" }).outcome).toMatchObject({ kind: "refused", reason: "not-a-member" });
    expect(world.act("vote-cast", "es", { on: "application", matter: "6a1f1a39-4f53-4b8e-9d43-0c6f7c0d3b11", vote: "approve" }).outcome).toMatchObject({ kind: "refused", reason: "unknown" });
    expect(world.act("vote-cast", "es", { on: "motion", matter: id, vote: "approve" }).outcome).toMatchObject({ kind: "refused", reason: "wrong-matter" });
    expect(Object.keys(world.state.matters[id]!.votes)).toEqual(["fr"]);
    expect(Object.values(world.state.refusals).map((r) => r.reason).sort()).toEqual(["already-voted", "not-a-member", "unknown", "wrong-matter"]);
  });

  it("authority - a member cannot publish the secretariat's decisions, nor the secretariat a member's actions", () => {
    const world = new GovWorld();
    const { id } = applyFor(world);
    const votes = world.voteAll("application", id, FOUNDERS);
    expect(world.act("membership-decided", "fr", { application: id, outcome: "admitted", votes, rule: unanimity }).outcome).toMatchObject({ kind: "refused", reason: "not-authorised" });
    expect(world.act("member-withdrew", "sec", {}).outcome).toMatchObject({ kind: "refused", reason: "not-authorised" });
    expect(world.state.members.jo).toBeUndefined();
  });

  it("applications - a current member, a second open application and a kid in use are refused", () => {
    const world = new GovWorld();
    expect(world.act("membership-applied", "sec", applicationData("fr")).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
    const { key } = applyFor(world);
    expect(world.act("membership-applied", "sec", applicationData("jo")).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
    expect(world.act("membership-applied", "sec", applicationData("pt", { ...key, kid: world.kids.fr! })).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
  });
});

describe("secretariat membership - sanctions and withdrawal", () => {
  it("suspension - a carried motion suspends the member for messages received from then on; the member does not vote on it", () => {
    const world = new GovWorld();
    const motion = world.act("motion-filed", "sec", { action: "suspend", member: "sn", grounds: "Persistent failure to answer alerts." });
    expect(world.act("vote-cast", "sn", { on: "motion", matter: motion.id, vote: "reject" }).outcome).toMatchObject({ kind: "refused", reason: "not-eligible" });
    const votes = world.voteAll("motion", motion.id, FOUNDERS.filter((c) => c !== "sn"));
    const due = dueDecisions(world.state, world.now()).filter((d) => d.kind !== "action-rejected");
    expect(due).toEqual([{ trigger: motion.id, kind: "member-suspended", data: { member: "sn", motion: motion.id, votes } }]);
    const before = Date.parse(world.now());
    world.act("member-suspended", "sec", due[0]!.data);
    const after = Date.parse(world.now());
    expect(keyStatusAt(world.state, world.kids.sn!, before)).toMatchObject({ status: "active" });
    expect(keyStatusAt(world.state, world.kids.sn!, after)).toEqual({ status: "inactive", member: "sn" });

    const back = world.act("motion-filed", "sec", { action: "reinstate", member: "sn", grounds: "Answers resumed." });
    world.voteAll("motion", back.id, FOUNDERS.filter((c) => c !== "sn"));
    world.act("member-reinstated", "sec", dueDecisions(world.state, world.now()).find((d) => d.kind === "member-reinstated")!.data);
    expect(keyStatusAt(world.state, world.kids.sn!, Date.parse(world.now()))).toMatchObject({ status: "active" });
    expect(keyStatusAt(world.state, world.kids.sn!, after)).toEqual({ status: "inactive", member: "sn" });
    expect(world.state.members.sn!.history.map((h) => h.status)).toEqual(["active", "suspended", "active"]);
  });

  it("suspension - the secretariat cannot suspend without the votes", () => {
    const world = new GovWorld();
    const motion = world.act("motion-filed", "sec", { action: "suspend", member: "sn", grounds: "No reason at all." });
    const votes = world.voteAll("motion", motion.id, ["ae", "bh"]);
    expect(world.act("member-suspended", "sec", { member: "sn", motion: motion.id, votes }).outcome).toMatchObject({ kind: "refused", reason: "votes-insufficient" });
    expect(world.state.members.sn!.status).toBe("active");
  });

  it("withdrawal - a member withdraws itself; its votes stop counting and it may apply again with a new key", () => {
    const world = new GovWorld();
    const { id } = applyFor(world);
    world.voteAll("application", id, ["sn"]);
    const oldKid = world.kids.sn!;
    expect(world.act("member-withdrew", "sn", { statement: "Senegal withdraws." }).outcome.kind).toBe("applied");
    expect(world.state.members.sn!.status).toBe("withdrawn");
    expect(keyStatusAt(world.state, oldKid, Date.parse(world.now()) + 1)).toEqual({ status: "inactive", member: "sn" });
    expect(tally(world.state, world.state.matters[id]!).eligible).not.toContain("sn");

    const again = world.act("membership-applied", "sec", applicationData("sn", fakeJwk("sn")));
    world.voteAll("application", again.id, FOUNDERS.filter((c) => c !== "sn"));
    const decision = dueDecisions(world.state, world.now()).find((d) => d.trigger === again.id)!;
    world.act("membership-decided", "sec", decision.data);
    expect(world.state.members.sn).toMatchObject({ status: "active", founding: true });
    expect(keyStatusAt(world.state, oldKid, Date.parse(world.now()) + 1)).toEqual({ status: "revoked", member: "sn" });
  });
});

describe("secretariat membership - answers to refusals", () => {
  it("action-rejected - the answer to a recorded refusal is applied once; an invented or second answer is ignored", () => {
    const world = new GovWorld();
    const { id } = applyFor(world);
    world.voteAll("application", id, ["fr"]);
    const second = world.act("vote-cast", "fr", { on: "application", matter: id, vote: "approve" });
    const answer = dueDecisions(world.state, world.now())[0]!;
    expect(world.act("action-rejected", "sec", { ...answer.data, reason: "closed" }).outcome.kind).toBe("ignored");
    const ok = world.act("action-rejected", "sec", answer.data);
    expect(ok.outcome.kind).toBe("applied");
    expect(world.state.refusals[second.id]!.answeredBy).toBe(ok.id);
    expect(world.act("action-rejected", "sec", answer.data).outcome.kind).toBe("ignored");
    const invented = world.act("action-rejected", "sec", { action: id, kind: "membership-applied", actor: "sec", reason: "invalid", detail: "made up" });
    expect(invented.outcome.kind).toBe("ignored");
    expect(dueDecisions(world.state, world.now())).toEqual([]);
  });

  it("action-rejected - each actor's refusals are answered up to its share, oldest first; another actor's still are", () => {
    const world = new GovWorld();
    const refused = (who: string) => world.act("vote-cast", who, { on: "application", matter: randomUUID(), vote: "approve" }).id;
    const fr = [refused("fr"), refused("fr"), refused("fr")];
    const es = refused("es");
    const due = () => dueDecisions(world.state, world.now(), { answersPerActor: 2 }).map((d) => d.trigger);
    expect(due()).toEqual([fr[0], fr[1], es]);
    world.act("action-rejected", "sec", dueDecisions(world.state, world.now())[0]!.data);
    world.act("action-rejected", "sec", dueDecisions(world.state, world.now())[0]!.data);
    expect(due()).toEqual([es]);
    expect(answersPerActor({ maxMembers: 12, governancePerSubjectMaxMsgs: 200 })).toBe(15);
  });
});
