import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { parseEvent } from "../../schemas/registry.js";
import { sealedAad } from "../../schemas/sealed.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { StaticKeyDirectory } from "../../services/bus/keys/directory.js";
import { generateEncryptionKey, toPublicEncJwk } from "../../services/bus/keys/encryption.js";
import { sealJwe } from "../../services/bus/wire/jwe.js";
import { policyProblem } from "../../services/bus/wire/policy.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { encryptionKeyIn, groupMembersIn } from "../../services/secretariat/live-directory.js";
import { encKeyStatusAt, keyStatusAt } from "../../services/secretariat/state/lookup.js";
import { craft, incoming, sampleEnvelope } from "../helpers/fixtures.js";
import { applicationData, fakeJwk, FOUNDERS, GovWorld } from "../helpers/secretariat.js";
import { makeSealedMembers } from "../helpers/sealed.js";

const config = loadConfig();
const unanimity = { kind: "unanimity" };

describe("sealed keys - encryption keys in the directory and the governance fold (v1.1 §1b.1)", () => {
  it("directory - a JWKS holds signing and encryption keys; an enc- kid never verifies a signature", async () => {
    const members = await makeSealedMembers(["it", "es"]);
    const directory = await StaticKeyDirectory.fromJwks(members.jwks);
    expect(directory.lookup(members.signers.it!.kid, new Date()).status).toBe("active");
    expect(directory.lookup(members.enc.it!.kid, new Date())).toEqual({ status: "unknown" });
    expect(members.encryption.encryptionKeyOf("es", new Date())).toMatchObject({ status: "active", jwk: { kid: members.enc.es!.kid } });
    // A message signed under the enc kid (with the signing key) is unknown-key.
    const forged = await craft(members.signers.it!, { envelope: sampleEnvelope("it"), kid: members.enc.it!.kid });
    expect(await createVerifier({ bounds: config.bounds, directory })(incoming(forged))).toMatchObject({ ok: false, reason: Reason.UnknownKey });
  });

  it("fold - admission carries the applicant's enc key; enc-key-rotated by the member replaces it; withdrawal ends sealing to it", async () => {
    const world = new GovWorld();
    const encKey = toPublicEncJwk(await generateEncryptionKey("jo"));
    const filed = world.act("membership-applied", "sec", { ...applicationData("jo", fakeJwk("jo")), encKey });
    expect(filed.outcome.kind).toBe("applied");
    const votes = world.voteAll("application", filed.id, FOUNDERS);
    expect(encKeyStatusAt(world.state, "jo", Date.parse(world.now())).status).toBe("inactive");
    expect(world.act("membership-decided", "sec", { application: filed.id, outcome: "admitted", votes, rule: unanimity }).outcome.kind).toBe("applied");
    const admittedAt = Date.parse(world.now());
    expect(encryptionKeyIn(world.state, "jo", new Date(admittedAt))).toMatchObject({ status: "active", jwk: { kid: encKey.kid } });
    expect(keyStatusAt(world.state, encKey.kid, admittedAt)).toEqual({ status: "unknown" });

    const next = toPublicEncJwk(await generateEncryptionKey("jo"));
    world.kids.jo = world.state.keys.jo!.keys.find((k) => k.jwk.use !== "enc")!.kid;
    expect(world.act("enc-key-rotated", "jo", { next }).outcome.kind).toBe("applied");
    expect(encryptionKeyIn(world.state, "jo", new Date(world.now()))).toMatchObject({ status: "active", jwk: { kid: next.kid } });
    // The key in force at an earlier time is still the old one: verdicts do not change afterwards.
    expect(encryptionKeyIn(world.state, "jo", new Date(admittedAt))).toMatchObject({ jwk: { kid: encKey.kid } });

    // Not another member's key, not a kid twice, not by the secretariat.
    expect(world.act("enc-key-rotated", "jo", { next: toPublicEncJwk(await generateEncryptionKey("es")) }).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
    expect(world.act("enc-key-rotated", "jo", { next }).outcome).toMatchObject({ kind: "refused", reason: "key-conflict" });
    expect(world.act("enc-key-rotated", "sec", { next: toPublicEncJwk(await generateEncryptionKey("sec")) }).outcome).toMatchObject({ kind: "refused", reason: "not-authorised" });

    const formed = world.act("working-group-formed", "sec", { area: "crime", name: "E-waste", mandate: "Trace shipments.", lead: "es" });
    world.act("working-group-joined", "jo", { group: formed.id });
    expect(groupMembersIn(world.state, formed.id)).toEqual(["es", "jo"]);
    expect(world.act("member-withdrew", "jo", {}).outcome.kind).toBe("applied");
    expect(encryptionKeyIn(world.state, "jo", new Date(world.now()))).toEqual({ status: "inactive", member: "jo" });
    expect(groupMembersIn(world.state, formed.id)).toEqual(["es"]);
  });
});

describe("sealed policy - handling and TLP (v1.1 §1b.3)", () => {
  const base = sampleEnvelope("it") as unknown as AllianceEvent;
  it("policy - RED and AMBER+STRICT must be sealed; H3 needs its note; the note needs H3", () => {
    expect(policyProblem({ ...base, tlp: "RED" })).toMatch(/sealed/);
    expect(policyProblem({ ...base, tlp: "AMBER+STRICT" })).toMatch(/sealed/);
    expect(policyProblem({ ...base, tlp: "RED", datacontenttype: "application/jose+json" })).toBeUndefined();
    expect(policyProblem({ ...base, handling: "H3" })).toMatch(/handlingnote/);
    expect(policyProblem({ ...base, handlingnote: "Only for the border police." })).toMatch(/H3/);
    expect(policyProblem({ ...base, handling: "H3", handlingnote: "Only for the border police." })).toBeUndefined();
    expect(policyProblem(base, [(e) => (e.derivedfrom ? "no consent" : undefined)])).toBeUndefined();
    expect(policyProblem({ ...base, derivedfrom: `fr:${randomUUID()}` }, [(e) => (e.derivedfrom ? "no consent" : undefined)])).toBe("no consent");
  });

  it("policy - a signed plaintext RED is quarantined as policy by every subscriber", async () => {
    const members = await makeSealedMembers(["it"]);
    const verify = createVerifier({ bounds: config.bounds, directory: await StaticKeyDirectory.fromJwks(members.jwks) });
    const red = await craft(members.signers.it!, { envelope: sampleEnvelope("it", { tlp: "RED" }) });
    expect(await verify(incoming(red))).toMatchObject({ ok: false, reason: Reason.Policy });
  });

  it("schema - a sealed data whose JWE recipients are not the envelope's is schema, for everyone", async () => {
    const es = await generateEncryptionKey("es");
    const ma = await generateEncryptionKey("ma");
    const envelope = { ...sampleEnvelope("it"), datacontenttype: "application/jose+json", tlp: "RED" } as Record<string, unknown>;
    const jwe = sealJwe(Buffer.from("{}"), [toPublicEncJwk(es)], sealedAad(envelope as never));
    expect(parseEvent({ ...envelope, recipients: ["es"], data: jwe }).success).toBe(true);
    expect(parseEvent({ ...envelope, recipients: ["es", "ma"], data: jwe }).success).toBe(false);
    expect(parseEvent({ ...envelope, data: jwe }).success).toBe(false);
    expect(parseEvent({ ...envelope, recipients: ["ma"], data: sealJwe(Buffer.from("{}"), [toPublicEncJwk(es), toPublicEncJwk(ma)], "x") }).success).toBe(false);
  });
});
