import { createHmac, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import type { KeyDirectory } from "../../services/bus/keys/directory.js";
import { Header } from "../../services/bus/wire/headers.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { createVerifier, type Verdict } from "../../services/bus/wire/verify.js";
import { b64url, craft, incoming, makeMembers, sampleEnvelope } from "../helpers/fixtures.js";

const { bounds } = loadConfig();
const members = await makeMembers();
const fr = members.signers.fr!;
const es = members.signers.es!;
const verify = createVerifier({ bounds, directory: members.directory });
const encode = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

function reasonOf(verdict: Verdict): string {
  return verdict.ok ? "accepted" : verdict.reason;
}

/** A signature header whose protected part is `header`, with a syntactically fine signature. */
function withProtected(header: object, signature = "A".repeat(86)): string {
  return `${b64url(header)}..${signature}`;
}

describe("verify - accepts", () => {
  it("verify - a message signed as docs/protocol.md says is accepted with its kid", async () => {
    const verdict = await verify(incoming(await craft(fr)));
    expect(verdict.ok).toBe(true);
    if (verdict.ok) {
      expect(verdict.kid).toBe(fr.kid);
      expect(verdict.event.source).toBe("fr");
    }
  });
});

describe("verify - each reason code of the protocol, in order", () => {
  it("oversize - a body over the bound is refused before anything else", async () => {
    const msg = await craft(fr, { body: new Uint8Array(bounds.maxBodyBytes + 1) });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.Oversize);
  });

  it("unsigned - no signature header", async () => {
    const msg = await craft(fr);
    delete msg.headers[Header.Signature];
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.Unsigned);
  });

  const good = { alg: "EdDSA", kid: "fr:x", b64: false, crit: ["b64"] };
  const badHeaders: [string, string][] = [
    ["alg none", withProtected({ ...good, alg: "none" })],
    ["alg HS256", withProtected({ ...good, alg: "HS256" })],
    ["alg ES256", withProtected({ ...good, alg: "ES256" })],
    ["b64 true", withProtected({ ...good, b64: true })],
    ["b64 missing", withProtected({ alg: "EdDSA", kid: "fr:x", crit: ["b64"] })],
    ["crit missing", withProtected({ alg: "EdDSA", kid: "fr:x", b64: false })],
    ["crit with an extra name", withProtected({ ...good, crit: ["b64", "exp"] })],
    ["an extra header member", withProtected({ ...good, jku: "https://evil.example/keys" })],
    ["kid with path characters", withProtected({ ...good, kid: "../../etc/passwd" })],
    ["kid without a member", withProtected({ ...good, kid: "2026-01" })],
    ["kid in upper case", withProtected({ ...good, kid: "FR:2026-01" })],
    ["kid too long", withProtected({ ...good, kid: `fr:${"a".repeat(200)}` })],
    ["kid __proto__", withProtected({ ...good, kid: "__proto__" })],
    ["attached payload", `${b64url(good)}.${b64url("{}")}.${"A".repeat(86)}`],
    ["two parts", `${b64url(good)}.${"A".repeat(86)}`],
    ["not base64url", `${b64url(good)}..!!!`],
    ["protected is not JSON", `${b64url("not json")}..${"A".repeat(86)}`],
    ["a non-canonical signature spelling (unused bits set)", withProtected(good, `${"A".repeat(85)}B`)],
    ["protected with __proto__", `${b64url('{"alg":"EdDSA","kid":"fr:x","b64":false,"crit":["b64"],"__proto__":{"admin":true}}')}..${"A".repeat(86)}`],
  ];
  it.each(badHeaders)("bad-signature-header - %s", async (_name, header) => {
    const msg = await craft(fr, { headers: { [Header.Signature]: header } });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.BadSignatureHeader);
  });

  it("bad-signature-header - an HS256 MAC keyed with the member's public key is never tried", async () => {
    const msg = await craft(fr);
    const protectedB64 = b64url({ alg: "HS256", kid: fr.kid, b64: false, crit: ["b64"] });
    const x = members.jwks.find((k) => k.kid === fr.kid)!.x;
    const mac = createHmac("sha256", x).update(Buffer.concat([Buffer.from(`${protectedB64}.`), msg.body])).digest("base64url");
    msg.headers[Header.Signature] = `${protectedB64}..${mac}`;
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.BadSignatureHeader);
  });

  it("unknown-key - a well-formed kid the directory does not hold", async () => {
    const msg = await craft(fr, { kid: "fr:not-a-key" });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.UnknownKey);
  });

  it("key-revoked and origin-inactive - as the directory says at the receive time", async () => {
    const states: Record<string, "revoked" | "inactive"> = {};
    const directory: KeyDirectory = {
      lookup: (kid, at) => {
        const base = members.directory.lookup(kid, at);
        const state = states[kid];
        if (base.status !== "active" || !state) return base;
        return { status: state, member: base.member };
      },
    };
    const v = createVerifier({ bounds, directory });
    states[fr.kid] = "revoked";
    expect(reasonOf(await v(incoming(await craft(fr))))).toBe(Reason.KeyRevoked);
    states[fr.kid] = "inactive";
    expect(reasonOf(await v(incoming(await craft(fr))))).toBe(Reason.OriginInactive);
  });

  it("bad-signature - one bit flipped in the body", async () => {
    const msg = await craft(fr);
    msg.body[40] = msg.body[40]! ^ 0x01;
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.BadSignature);
  });

  it("bad-signature - signed by another member's key under this member's kid", async () => {
    const msg = await craft(es, { envelope: sampleEnvelope("fr"), kid: fr.kid });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.BadSignature);
  });

  it("bad-signature - a signature header moved onto another body", async () => {
    const one = await craft(fr);
    const two = await craft(fr);
    two.headers[Header.Signature] = one.headers[Header.Signature]!;
    expect(reasonOf(await verify(incoming(two)))).toBe(Reason.BadSignature);
  });

  const malformed: [string, Uint8Array][] = [
    ["not JSON", encode("this is not json")],
    ["invalid UTF-8", Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
    ["10k-deep arrays", encode(`${"[".repeat(10_000)}${"]".repeat(10_000)}`)],
    ["10k-deep objects", encode(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`)],
    ["a byte-order mark before the JSON", Uint8Array.from([0xef, 0xbb, 0xbf, ...encode("{}")])],
    ["a repeated member", encode('{"specversion":"1.0","source":"fr","source":"es"}')],
    ["a __proto__ key", encode('{"specversion":"1.0","__proto__":{"polluted":true}}')],
    ["a constructor.prototype key", encode('{"data":{"constructor":{"prototype":{"polluted":true}}}}')],
  ];
  it.each(malformed)("malformed - %s, signed correctly", async (_name, body) => {
    const msg = await craft(fr, { body });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.Malformed);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const schemaCases: [string, Record<string, unknown>][] = [
    ["an unknown envelope attribute", { ...sampleEnvelope("fr"), priority: "high" }],
    ["an unknown type", sampleEnvelope("fr", { type: "alliance.crime.gossip.v1" })],
    ["a future schema major", sampleEnvelope("fr", { type: "alliance.crime.bulletin.v2" })],
    ["a guessable id", sampleEnvelope("fr", { id: "00000000-0000-0000-0000-000000000001" })],
    ["TLP outside 2.0", sampleEnvelope("fr", { tlp: "WHITE" })],
    ["data missing", (({ data: _d, ...rest }) => rest)(sampleEnvelope("fr"))],
  ];
  it.each(schemaCases)("schema - %s", async (_name, envelope) => {
    const msg = await craft(fr, { envelope });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.Schema);
  });

  it("key-mismatch - a member signs, with its own key, a body claiming another source", async () => {
    const msg = await craft(es, { envelope: sampleEnvelope("fr"), subject: "alliance.crime.fr.bulletin" });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.KeyMismatch);
  });

  it("subject-mismatch - a valid message moved to another subject", async () => {
    for (const subject of ["alliance.crime.es.bulletin", "alliance.crime.fr.alert", "alliance.border.fr.bulletin"]) {
      const msg = await craft(fr, { subject });
      expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.SubjectMismatch);
    }
  });

  it("id-mismatch - Nats-Msg-Id differs from the signed id, or is missing", async () => {
    const msg = await craft(fr, { headers: { [Header.MsgId]: randomUUID() } });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.IdMismatch);
    delete msg.headers[Header.MsgId];
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.IdMismatch);
  });

  it("stale - signed too long before, or after, the stream received it", async () => {
    const skewMs = bounds.skewSeconds * 1000;
    const msg = await craft(fr);
    const signedAt = Date.parse(JSON.parse(new TextDecoder().decode(msg.body)).time);
    expect(reasonOf(await verify(incoming(msg, new Date(signedAt + skewMs + 1000))))).toBe(Reason.Stale);
    expect(reasonOf(await verify(incoming(msg, new Date(signedAt - skewMs - 1000))))).toBe(Reason.Stale);
    expect(reasonOf(await verify(incoming(msg, new Date(signedAt + skewMs - 1000))))).toBe("accepted");
  });

  it("expired - past its expires attribute at verification time", async () => {
    const msg = await craft(fr, { envelope: sampleEnvelope("fr", { expires: new Date(Date.now() - 1000).toISOString() }) });
    expect(reasonOf(await verify(incoming(msg)))).toBe(Reason.Expired);
    const later = createVerifier({ bounds, directory: members.directory, now: () => new Date(Date.now() - 60_000) });
    expect(reasonOf(await later(incoming(msg)))).toBe("accepted");
  });
});
