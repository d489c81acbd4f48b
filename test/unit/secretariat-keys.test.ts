import { describe, expect, it } from "vitest";
import { dueDecisions } from "../../services/secretariat/state/decisions.js";
import { keyStatusAt } from "../../services/secretariat/state/lookup.js";
import { fakeJwk, FOUNDERS, GovWorld } from "../helpers/secretariat.js";

describe("secretariat keys - rotation", () => {
  it("rotation - the old key verifies what was received before the rotation, the next key what is received from it on", () => {
    const world = new GovWorld();
    const old = world.kids.fr!;
    const next = fakeJwk("fr");
    const before = Date.parse(world.now());
    const step = world.act("key-rotated", "fr", { next });
    expect(step.outcome.kind).toBe("applied");
    const at = Date.parse(world.now());
    expect(keyStatusAt(world.state, old, before)).toMatchObject({ status: "active", member: "fr" });
    expect(keyStatusAt(world.state, old, at)).toEqual({ status: "revoked", member: "fr" });
    expect(keyStatusAt(world.state, next.kid, before)).toEqual({ status: "unknown" });
    expect(keyStatusAt(world.state, next.kid, at)).toMatchObject({ status: "active", member: "fr" });
    expect(world.state.keys.fr!.keys.find((k) => k.kid === old)).toMatchObject({ supersededAt: world.now(), supersededBy: step.id });
  });

  it("rotation - a rotation signed with a key that is not current, or to a kid in use or of another origin, is refused", () => {
    const world = new GovWorld();
    const old = world.kids.fr!;
    world.act("key-rotated", "fr", { next: fakeJwk("fr") });
    expect(world.act("key-rotated", "fr", { next: fakeJwk("fr") }, { kid: old }).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
    const current = world.state.keys.fr!.keys.at(-1)!.kid;
    expect(world.act("key-rotated", "fr", { next: { ...fakeJwk("fr"), kid: world.kids.es! } }, { kid: current }).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
    expect(world.act("key-rotated", "fr", { next: fakeJwk("es") }, { kid: current }).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
    expect(world.state.keys.fr!.keys).toHaveLength(2);
  });

  it("rotation - the secretariat rotates its own key the same way", () => {
    const world = new GovWorld();
    const next = fakeJwk("sec");
    expect(world.act("key-rotated", "sec", { next }).outcome.kind).toBe("applied");
    expect(keyStatusAt(world.state, next.kid, Date.parse(world.now()))).toMatchObject({ status: "active", member: "sec" });
  });
});

describe("secretariat keys - revocation", () => {
  it("revocation by the owner - refused for messages received at or after it, older ones still verify; a replacement takes over", () => {
    const world = new GovWorld();
    const kid = world.kids.ma!;
    const next = fakeJwk("ma");
    const before = Date.parse(world.now());
    expect(world.act("key-revoked", "ma", { kid, reason: "compromise", next }).outcome.kind).toBe("applied");
    const at = Date.parse(world.now());
    expect(keyStatusAt(world.state, kid, before)).toMatchObject({ status: "active" });
    expect(keyStatusAt(world.state, kid, at)).toEqual({ status: "revoked", member: "ma" });
    expect(keyStatusAt(world.state, kid, at + 86_400_000)).toEqual({ status: "revoked", member: "ma" });
    expect(keyStatusAt(world.state, next.kid, at)).toMatchObject({ status: "active", member: "ma" });
    expect(world.act("key-revoked", "ma", { kid, reason: "compromise" }, { kid: next.kid }).outcome).toMatchObject({ kind: "refused", reason: "duplicate" });
  });

  it("revocation by the owner - a member cannot revoke another member's key", () => {
    const world = new GovWorld();
    expect(world.act("key-revoked", "fr", { kid: world.kids.es!, reason: "compromise" }).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
    expect(keyStatusAt(world.state, world.kids.es!, Date.parse(world.now()) + 1)).toMatchObject({ status: "active" });
  });

  it("revocation by the secretariat - only on a carried motion, and with the replacement the motion named", () => {
    const world = new GovWorld();
    const kid = world.kids.it!;
    const next = fakeJwk("it");
    expect(world.act("key-revoked", "sec", { kid, reason: "compromise" }).outcome).toMatchObject({ kind: "refused", reason: "votes-insufficient" });
    const motion = world.act("motion-filed", "sec", { action: "revoke-key", member: "it", kid, next, grounds: "The key leaked in a breach." });
    const votes = world.voteAll("motion", motion.id, FOUNDERS.filter((c) => c !== "it"));
    expect(world.act("key-revoked", "sec", { kid, reason: "compromise", next: fakeJwk("it"), motion: motion.id, votes }).outcome).toMatchObject({ kind: "refused", reason: "invalid" });
    const due = dueDecisions(world.state, world.now()).filter((d) => d.kind === "key-revoked");
    expect(due).toEqual([{ trigger: motion.id, kind: "key-revoked", data: { kid, reason: "compromise", next, motion: motion.id, votes } }]);
    expect(world.act("key-revoked", "sec", due[0]!.data).outcome.kind).toBe("applied");
    const at = Date.parse(world.now());
    expect(keyStatusAt(world.state, kid, at)).toEqual({ status: "revoked", member: "it" });
    expect(keyStatusAt(world.state, next.kid, at)).toMatchObject({ status: "active", member: "it" });
    expect(world.state.matters[motion.id]!.decision).toMatchObject({ outcome: "carried" });
  });

  it("lookup - an unknown kid and a kid of an unknown origin read as unknown", () => {
    const world = new GovWorld();
    expect(keyStatusAt(world.state, "fr:never-made", Date.now())).toEqual({ status: "unknown" });
    expect(keyStatusAt(world.state, "zz:2017-01", Date.now())).toEqual({ status: "unknown" });
  });
});
