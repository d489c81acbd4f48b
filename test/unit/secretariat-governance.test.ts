import { describe, expect, it } from "vitest";
import { parseEvent } from "../../schemas/registry.js";
import { signingDeadline } from "../../schemas/governance/index.js";
import { dueDecisions } from "../../services/secretariat/state/decisions.js";
import { sha256Hex } from "../../services/secretariat/state/helpers.js";
import { groupStatus } from "../../services/secretariat/state/working-groups.js";
import { declarationData, FOUNDERS, GovWorld, modelData } from "../helpers/secretariat.js";

const group = { area: "border", name: "Ports and containers", mandate: "Share risk profiles of transit containers.", lead: "ma" };

describe("secretariat working groups", () => {
  it("working groups - the lead is the first member; members join and leave; the lead cannot leave", () => {
    const world = new GovWorld();
    const formed = world.act("working-group-formed", "sec", group);
    expect(world.state.groups[formed.id]!.members).toHaveProperty("ma");
    expect(groupStatus(world.state, world.state.groups[formed.id]!)).toBe("forming");
    expect(world.act("working-group-joined", "es", { group: formed.id }).outcome.kind).toBe("applied");
    expect(groupStatus(world.state, world.state.groups[formed.id]!)).toBe("active");
    expect(world.act("working-group-joined", "es", { group: formed.id }).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
    expect(world.act("working-group-left", "ma", { group: formed.id }).outcome).toMatchObject({ kind: "refused", reason: "lead-cannot-leave" });
    expect(world.act("working-group-left", "fr", { group: formed.id }).outcome).toMatchObject({ kind: "refused", reason: "not-participating" });
    expect(world.act("working-group-left", "es", { group: formed.id }).outcome.kind).toBe("applied");
    expect(Object.keys(world.state.groups[formed.id]!.members)).toEqual(["ma"]);
  });

  it("working groups - the adopted model caps the size; a lead must be a member", () => {
    const world = new GovWorld();
    const rules = { admission: { kind: "unanimity" }, amendment: { kind: "unanimity" }, sanctions: { kind: "unanimity" }, workingGroups: { minMembers: 2, maxMembers: 2 } };
    const draft = world.act("operating-model-drafted", "sec", modelData(1, rules));
    world.voteAll("operating-model", draft.id, FOUNDERS);
    world.act("operating-model-adopted", "sec", dueDecisions(world.state, world.now())[0]!.data);
    const formed = world.act("working-group-formed", "sec", group);
    world.act("working-group-joined", "es", { group: formed.id });
    expect(world.act("working-group-joined", "fr", { group: formed.id }).outcome).toMatchObject({ kind: "refused", reason: "group-full" });
    expect(world.act("working-group-formed", "sec", { ...group, name: "Other", lead: "jo" }).outcome).toMatchObject({ kind: "refused", reason: "not-a-member" });
  });
});

describe("secretariat operating model", () => {
  it("operating model - a version not newer than the adopted one is refused; adoption needs the draft's own version", () => {
    const world = new GovWorld();
    const rules = { admission: { kind: "unanimity" }, amendment: { kind: "unanimity" }, sanctions: { kind: "unanimity" }, workingGroups: { minMembers: 1, maxMembers: 10 } };
    const draft = world.act("operating-model-drafted", "sec", modelData(1, rules));
    expect(world.act("operating-model-drafted", "sec", modelData(1, rules)).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
    const votes = world.voteAll("operating-model", draft.id, FOUNDERS);
    expect(world.act("operating-model-adopted", "sec", { draft: draft.id, version: 2, votes }).outcome).toMatchObject({ kind: "refused", reason: "invalid" });
    expect(world.act("operating-model-adopted", "sec", { draft: draft.id, version: 1, votes }).outcome.kind).toBe("applied");
    expect(world.state.model.adopted).toMatchObject({ version: 1, draft: draft.id, votes, rules });
    expect(world.act("operating-model-drafted", "sec", modelData(1, rules)).outcome).toMatchObject({ kind: "refused", reason: "invalid" });
  });
});

describe("secretariat projects", () => {
  it("projects - registrations before the deadline count; after it, or in a closed project, they are refused", () => {
    const world = new GovWorld();
    const deadline = new Date(Date.parse(world.now()) + 10_000).toISOString();
    const project = world.act("project-proposed", "sec", { title: "Joint port risk profiles", area: "border", description: "Shared container risk indicators.", deadline });
    expect(world.act("project-registered", "es", { project: project.id, contribution: "Algeciras risk analysts." }).outcome.kind).toBe("applied");
    expect(world.act("project-registered", "es", { project: project.id }).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
    expect(world.act("project-withdrawn", "fr", { project: project.id }).outcome).toMatchObject({ kind: "refused", reason: "not-participating" });
    world.advance(10_000);
    expect(world.act("project-registered", "fr", { project: project.id }).outcome).toMatchObject({ kind: "refused", reason: "deadline-passed" });
    expect(world.act("project-closed", "sec", { project: project.id }).outcome.kind).toBe("applied");
    expect(world.act("project-withdrawn", "es", { project: project.id }).outcome).toMatchObject({ kind: "refused", reason: "closed" });
    expect(Object.keys(world.state.projects[project.id]!.registrations)).toEqual(["es"]);
    expect(world.state.projects[project.id]!.status).toBe("closed");
  });

  it("projects - a deadline that is not after the proposal is refused", () => {
    const world = new GovWorld();
    const step = world.act("project-proposed", "sec", { title: "Late", area: "crime", description: "Too late.", deadline: "2017-01-01T00:00:00Z" });
    expect(step.outcome).toMatchObject({ kind: "refused", reason: "invalid" });
  });
});

describe("secretariat declaration", () => {
  it("declaration - each member signs the hash of one language version once, before the deadline; its JWS is kept", () => {
    const world = new GovWorld();
    const data = declarationData();
    const published = world.act("declaration-published", "sec", data);
    expect(published.outcome.kind).toBe("applied");
    const signed = world.act("declaration-signed", "fr", { declaration: published.id, lang: "fr", sha256: data.sha256.fr, signatory: { name: "Le ministre", title: "Ministre de l'Intérieur" } });
    expect(world.state.declarations[published.id]!.signatures.fr).toMatchObject({ lang: "fr", sha256: data.sha256.fr, event: signed.id, jws: `jws-of-${signed.id}`, kid: world.kids.fr });
    expect(world.act("declaration-signed", "fr", { declaration: published.id, lang: "en", sha256: data.sha256.en, signatory: { name: "x", title: "y" } }).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
    expect(world.act("declaration-signed", "es", { declaration: published.id, lang: "es", sha256: data.sha256.fr, signatory: { name: "x", title: "y" } }).outcome).toMatchObject({ kind: "refused", reason: "hash-mismatch" });
    const late = world.act("declaration-signed", "it", { declaration: published.id, lang: "it", sha256: data.sha256.it, signatory: { name: "x", title: "y" } }, { at: "2017-05-20T00:00:00.000Z" });
    expect(late.outcome).toMatchObject({ kind: "refused", reason: "deadline-passed" });
    const onTime = world.act("declaration-signed", "it", { declaration: published.id, lang: "it", sha256: data.sha256.it, signatory: { name: "x", title: "y" } }, { at: "2017-05-19T23:59:59.999Z" });
    expect(onTime.outcome.kind).toBe("applied");
  });

  it("declaration - published hashes that are not the texts' SHA-256 are refused", () => {
    const world = new GovWorld();
    const data = declarationData();
    const step = world.act("declaration-published", "sec", { ...data, sha256: { ...data.sha256, ar: sha256Hex("another text") } });
    expect(step.outcome).toMatchObject({ kind: "refused", reason: "hash-mismatch" });
    expect(world.state.declarations).toEqual({});
  });
});

describe("secretariat schemas", () => {
  it("schemas - the signing deadline is the end of the day three months after the meeting, clamped to the month", () => {
    expect(signingDeadline("2017-02-19")).toBe("2017-05-20T00:00:00.000Z");
    expect(signingDeadline("2017-11-30")).toBe("2018-03-01T00:00:00.000Z");
    expect(signingDeadline("2019-11-30")).toBe("2020-03-01T00:00:00.000Z");
    expect(signingDeadline("2020-11-30")).toBe("2021-03-01T00:00:00.000Z");
  });

  it("schemas - every governance type is registered with the verifiers' parser, strictly", () => {
    const envelope = (kind: string, data: unknown) => ({
      specversion: "1.0", id: "6a1f1a39-4f53-4b8e-9d43-0c6f7c0d3b11", source: "sec", type: `alliance.secretariat.${kind}.v1`,
      time: "2017-02-20T08:00:00Z", datacontenttype: "application/json", tlp: "GREEN", lang: "en", data,
    });
    expect(parseEvent(envelope("declaration-published", declarationData())).success).toBe(true);
    expect(parseEvent(envelope("declaration-published", { ...declarationData(), deadline: "2017-06-01T00:00:00Z" }))).toMatchObject({ success: false });
    expect(parseEvent(envelope("vote-cast", { on: "application", matter: "6a1f1a39-4f53-4b8e-9d43-0c6f7c0d3b11", vote: "maybe" }))).toMatchObject({ success: false });
    expect(parseEvent(envelope("vote-cast", { on: "application", matter: "6a1f1a39-4f53-4b8e-9d43-0c6f7c0d3b11", vote: "approve", extra: 1 }))).toMatchObject({ success: false });
    expect(parseEvent(envelope("motion-filed", { action: "revoke-key", member: "fr", grounds: "no kid" }))).toMatchObject({ success: false });
    expect(parseEvent(envelope("no-such-kind", {}))).toMatchObject({ success: false, error: "unknown type alliance.secretariat.no-such-kind.v1" });
    const rule = (numerator: number, denominator: number) => modelData(1, { admission: { kind: "qualified-majority", numerator, denominator }, amendment: { kind: "unanimity" }, sanctions: { kind: "unanimity" }, workingGroups: { minMembers: 1, maxMembers: 5 } });
    expect(parseEvent(envelope("operating-model-drafted", rule(2, 3))).success).toBe(true);
    expect(parseEvent(envelope("operating-model-drafted", rule(1, 2)))).toMatchObject({ success: false });
  });
});
