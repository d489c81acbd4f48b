import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { Header } from "../../services/bus/wire/headers.js";
import { signDetachedNative } from "../../services/bus/wire/jws.js";
import { ALL_REASONS, Reason } from "../../services/bus/wire/reasons.js";
import { parseJsonSafely } from "../../services/bus/wire/safe-json.js";
import { createVerifier, type IncomingMessage, type Verdict } from "../../services/bus/wire/verify.js";
import { rebuildViews } from "../../services/secretariat/rebuild.js";
import type { StreamMessage } from "../../services/secretariat/fold.js";
import { keyStatusAt } from "../../services/secretariat/state/lookup.js";
import { SECRETARIAT_KINDS } from "../../schemas/governance/index.js";
import { EncPrivateJwk, EncPublicJwk, isValidEd25519PublicKey, PrivateJwk, PublicJwk } from "../../schemas/keys.js";
import { parseEvent } from "../../schemas/registry.js";
import { eventType } from "../../schemas/protocol.js";
import { makeMembers } from "../helpers/fixtures.js";
import { fakeJwk } from "../helpers/secretariat.js";

/**
 * Verification is total (issue 10, finding 1): no input, signed or not, makes parsing, schema
 * validation, verification or the governance fold throw. Every hostile input below is signed with
 * a real member key, so it reaches checks 6–8 and the fold, where the bugs were.
 */

const config = loadConfig();
const { bounds } = config;
const founders = ["ae", "bh", "ma", "fr", "it", "es", "sn", "sec"] as const;
const members = await makeMembers(founders);
const fr = members.signers.fr!;
const verify = createVerifier({ bounds, directory: members.directory });
const encoder = new TextEncoder();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

/** A well-formed signed message from `signer` over `body`, on `subject`, id header `id`. */
function signed(body: Uint8Array, options: { subject?: string; id?: string; signer?: typeof fr; receivedAt?: Date } = {}): IncomingMessage {
  const signer = options.signer ?? fr;
  const headers: Record<string, string> = { [Header.Signature]: signDetachedNative(body, signer.kid, signer.key) };
  if (options.id) headers[Header.MsgId] = options.id;
  return { subject: options.subject ?? `alliance.secretariat.${signer.origin}.key-rotated`, body, header: (name) => headers[name], receivedAt: options.receivedAt ?? new Date() };
}

function expectVerdict(verdict: Verdict): void {
  expect(typeof verdict.ok).toBe("boolean");
  if (!verdict.ok) {
    expect(ALL_REASONS).toContain(verdict.reason);
    expect(typeof verdict.detail).toBe("string");
  }
}

function envelope(source: string, kind: string, data: unknown, overrides: Record<string, unknown> = {}) {
  return {
    specversion: "1.0", id: randomUUID(), source, type: eventType("secretariat", kind), time: new Date().toISOString(),
    datacontenttype: "application/json", tlp: "GREEN", lang: "en", data, ...overrides,
  };
}

// ---- hostile values -------------------------------------------------------------------------

const B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const c1Control = fc.integer({ min: 0x80, max: 0x9f }).map((c) => String.fromCharCode(c));
const hostileChar = fc.oneof(loneSurrogate, c1Control, fc.constantFrom("\u0000", "\u001f", "\u007f", "\ufeff", "\u2028", "=", "+", "/", ".", "!", " ", "\u0660"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.array(hostileChar, { maxLength: 50 }).map((cs) => cs.join("")),
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", ""),
);
/** 43 characters like a JWK's `x`: base64url or not, canonical or not, valid point or not. */
const hostileX = fc.oneof(
  fc.array(hostileChar, { minLength: 43, maxLength: 43 }).map((cs) => cs.join("")),
  fc.string({ unit: fc.constantFrom(...B64URL_ALPHABET), minLength: 0, maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...B64URL_ALPHABET, "!", "=", "+", "/", "\u00e9"), minLength: 43, maxLength: 43 }),
  fc.constantFrom("!".repeat(43), "A".repeat(42) + "=", "A".repeat(43), "_".repeat(43), "AQ" + "A".repeat(41)),
  fc.anything(),
);
const kidLike = fc.oneof(fc.constantFrom("fr:2026-01", "fr:next", "es:x", "sec:k", "__proto__"), hostileString, fc.anything());
const hostileJwk = fc.oneof(
  fc.record({ kty: fc.constant("OKP"), crv: fc.constant("Ed25519"), x: hostileX, kid: fc.constantFrom("fr:next-1", "fr:next-2"), alg: fc.constant("EdDSA") }),
  fc.record({ kty: fc.oneof(fc.constant("OKP"), fc.anything()), crv: fc.oneof(fc.constantFrom("Ed25519", "X25519"), fc.anything()), x: hostileX, kid: kidLike, alg: fc.oneof(fc.constant("EdDSA"), fc.anything()), d: fc.option(hostileX), use: fc.option(fc.anything()) }, { requiredKeys: [] }),
  fc.anything(),
);
const hostileJson = fc.oneof(
  { maxDepth: 6 },
  fc.jsonValue({ maxDepth: 6 }),
  fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }),
  fc.record({ next: hostileJwk }),
  fc.record({ kid: kidLike, reason: fc.constantFrom("compromise", "retired"), next: hostileJwk }, { requiredKeys: ["kid", "reason"] }),
  fc.record({ action: fc.constant("revoke-key"), member: fc.constant("es"), kid: kidLike, next: hostileJwk, grounds: hostileString }),
  fc.record({
    applicant: fc.record({ code: fc.constantFrom("jo", "fr", "__"), country: fc.record({ en: hostileString, native: hostileString }), ministry: hostileString, lang: fc.constant("ar"), contact: fc.record({ unit: hostileString }) }),
    key: hostileJwk,
  }),
);

/** Text that JSON.stringify cannot make: repeated members, prototype keys, huge and odd numbers, deep nesting. */
const hostileText = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}', '{"\\u005f_proto__":1}', '{"constructor":{"prototype":{}}}', '{"a":1,"a":2}',
    "1e999999", "-1e999999", "123456789012345678901234567890", "-0", "NaN", "[", "]", "{}", "[]", '"\\ud800"', "\ufeff{}",
    '{"specversion":"1.0","specversion":"1.0"}', "null", "true", '{"data":' + "[".repeat(40) + "]".repeat(40) + "}",
    "[".repeat(5000) + "]".repeat(5000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
  ),
  fc.tuple(fc.jsonValue(), fc.constantFrom("__proto__", "constructor", "x")).map(([v, k]) => `{"${k}":${JSON.stringify(v)},"${k}":1}`),
  fc.string({ unit: "binary", maxLength: 200 }),
);
const hostileBytes = fc.oneof(
  hostileText.map((t) => encoder.encode(t)),
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(fc.jsonValue(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([v, junk]) => {
    const text = encoder.encode(JSON.stringify(v));
    const out = new Uint8Array(text.length + junk.length);
    out.set(text);
    out.set(junk, Math.floor(text.length / 2));
    return out;
  }),
);

// ---- the reproduction -----------------------------------------------------------------------

describe("property verify - the poison key-rotated (finding 1)", () => {
  const poisonXs = ["!".repeat(43), "=".repeat(43), `${"A".repeat(42)}!`, "\u00e9".repeat(43), "+/".repeat(21) + "+"];

  it("schema - a JWK whose x is 43 characters that are not base64url is refused, never thrown on", () => {
    for (const x of poisonXs) {
      expect(isValidEd25519PublicKey(x)).toBe(false);
      const result = PublicJwk.safeParse({ kty: "OKP", crv: "Ed25519", x, kid: "fr:next", alg: "EdDSA" });
      expect(result.success).toBe(false);
    }
  });

  it("verify - a signed key-rotated whose next key is poison is a schema verdict, on every governance type carrying a key", async () => {
    for (const x of poisonXs) {
      const jwk = { kty: "OKP", crv: "Ed25519", x, kid: "fr:next", alg: "EdDSA" };
      const bodies = [
        envelope("fr", "key-rotated", { next: jwk }),
        envelope("fr", "key-revoked", { kid: fr.kid, reason: "compromise", next: jwk }),
        envelope("sec", "motion-filed", { action: "revoke-key", member: "fr", kid: fr.kid, next: jwk, grounds: "compromised" }),
        envelope("sec", "membership-applied", { applicant: { code: "fr", country: { en: "x", native: "x" }, ministry: "x", lang: "fr", contact: { unit: "x" } }, key: jwk }),
      ];
      for (const body of bodies) {
        const signer = members.signers[body.source]!;
        const kind = body.type.split(".")[2]!;
        const verdict = await verify(signed(encoder.encode(JSON.stringify(body)), { signer, id: body.id, subject: `alliance.secretariat.${body.source}.${kind}` }));
        expect(verdict).toMatchObject({ ok: false, reason: Reason.Schema });
      }
    }
  });

  it("fold - a poison rotation is passed over and a genuine rotation after it takes effect", async () => {
    const start = Date.now();
    const poison = envelope("fr", "key-rotated", { next: { kty: "OKP", crv: "Ed25519", x: "!".repeat(43), kid: "fr:poison", alg: "EdDSA" } });
    const next = fakeJwk("fr", "genuine");
    const genuine = envelope("fr", "key-rotated", { next });
    const messages: StreamMessage[] = [poison, genuine].map((ev, i) => ({
      ...signed(encoder.encode(JSON.stringify(ev)), { id: ev.id, receivedAt: new Date(start + i * 1000) }),
      seq: i + 1,
    }));
    const verdicts: Verdict[] = [];
    const state = await rebuildViews(messages, { config, founding: members.publicJwks, onFolded: (f) => verdicts.push(f.verdict) });
    expect(verdicts.map((v) => (v.ok ? "ok" : v.reason))).toEqual([Reason.Schema, "ok"]);
    expect(state.lastSeq).toBe(2);
    expect(keyStatusAt(state, next.kid, start + 1000)).toMatchObject({ status: "active", member: "fr" });
    expect(keyStatusAt(state, fr.kid, start + 1000)).toMatchObject({ status: "revoked" });
  });
});

// ---- properties -----------------------------------------------------------------------------

describe("property verify - a verdict for every input", () => {
  it("schemas - PublicJwk, PrivateJwk, EncPublicJwk, EncPrivateJwk and isValidEd25519PublicKey never throw", () => {
    fc.assert(
      fc.property(hostileJwk, (jwk) => {
        for (const schema of [PublicJwk, PrivateJwk, EncPublicJwk, EncPrivateJwk]) expect(typeof schema.safeParse(jwk).success).toBe("boolean");
        expect(typeof isValidEd25519PublicKey((jwk as { x?: unknown } | null)?.x)).toBe("boolean");
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("safe JSON - parseJsonSafely answers ok or a detail for any bytes", () => {
    fc.assert(
      fc.property(hostileBytes, fc.integer({ min: 0, max: 40 }), (bytes, depth) => {
        const result = parseJsonSafely(bytes, depth);
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("schema - parseEvent answers for any value, and for any data under every known type", () => {
    const types = [...SECRETARIAT_KINDS.map((k) => eventType("secretariat", k)), "alliance.crime.bulletin.v1", "alliance.border.alert.v1", "alliance.extremism.capacity.v1"];
    fc.assert(
      fc.property(hostileJson, fc.constantFrom(...types), (data, type) => {
        expect(typeof parseEvent(data).success).toBe("boolean");
        expect(typeof parseEvent({ ...envelope("fr", "x", data), type }).success).toBe("boolean");
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("verify - signed hostile bodies (random JSON, deep nesting, huge numbers, __proto__, lone surrogates, C1 controls) get a verdict", async () => {
    await fc.assert(
      fc.asyncProperty(hostileBytes, async (body) => {
        expectVerdict(await verify(signed(body, { id: randomUUID() })));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("verify - signed envelopes of every governance type with generated data (keys included) get a verdict", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SECRETARIAT_KINDS), fc.constantFrom(...founders), hostileJson, fc.option(fc.record({ time: hostileString, expires: hostileString, recipients: fc.anything() }, { requiredKeys: [] })), async (kind, source, data, overrides) => {
        const ev = envelope(source, kind, data, overrides ?? {});
        let text: string;
        try {
          text = JSON.stringify(ev);
        } catch {
          return; // a value JSON cannot carry (a BigInt): nothing to send
        }
        const msg = signed(encoder.encode(text), { signer: members.signers[source]!, id: ev.id, subject: `alliance.secretariat.${source}.${kind}` });
        expectVerdict(await verify(msg));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("verify - hostile signature headers get a verdict", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    const protectedJson = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.record({ alg: fc.oneof(fc.constant("EdDSA"), fc.anything()), kid: kidLike, b64: fc.anything(), crit: fc.anything() }, { requiredKeys: [] }).map((h) => JSON.stringify(h) ?? "null"),
      hostileText,
    );
    const header = fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.tuple(protectedJson, fc.string({ unit: fc.constantFrom(...B64URL_ALPHABET, "=", "."), minLength: 80, maxLength: 90 })).map(([p, s]) => `${b64(p)}..${s}`),
      fc.tuple(protectedJson, fc.uint8Array({ minLength: 64, maxLength: 64 })).map(([p, s]) => `${b64(p)}..${Buffer.from(s).toString("base64url")}`),
      fc.array(fc.string({ unit: fc.constantFrom(...B64URL_ALPHABET), maxLength: 100 }), { maxLength: 5 }).map((parts) => parts.join(".")),
    );
    await fc.assert(
      fc.asyncProperty(header, hostileBytes, async (value, body) => {
        const msg: IncomingMessage = { subject: "alliance.crime.fr.bulletin", body, header: (name) => (name === Header.Signature ? value : undefined), receivedAt: new Date() };
        expectVerdict(await verify(msg));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("fold - a rebuild over generated signed governance messages never throws and folds every message", async () => {
    const genuine = fc.constantFrom(...founders).map((source) => ({ source, kind: "key-rotated", data: { next: fakeJwk(source === "sec" ? "sec" : source) } as unknown }));
    const generated = fc.record({ source: fc.constantFrom(...founders), kind: fc.constantFrom(...SECRETARIAT_KINDS), data: hostileJson });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(generated, genuine), { minLength: 1, maxLength: 12 }), async (events) => {
        const start = Date.now();
        const messages: StreamMessage[] = [];
        events.forEach(({ source, kind, data }, i) => {
          const ev = envelope(source, kind, data, { time: new Date(start + i * 1000).toISOString() });
          let text: string;
          try {
            text = JSON.stringify(ev);
          } catch {
            return;
          }
          messages.push({ ...signed(encoder.encode(text), { signer: members.signers[source]!, id: ev.id, subject: `alliance.secretariat.${source}.${kind}`, receivedAt: new Date(start + i * 1000) }), seq: messages.length + 1 });
        });
        let folded = 0;
        const state = await rebuildViews(messages, { config, founding: members.publicJwks, onFolded: (f) => { expectVerdict(f.verdict); folded++; } });
        expect(folded).toBe(messages.length);
        expect(state.lastSeq).toBe(messages.length);
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });
});

describe("property verify - the catch-all", () => {
  it("verify - an exception inside a check is that check's verdict with the exception as detail, not an exception", async () => {
    const throwing = createVerifier({ bounds, directory: { lookup: () => { throw new Error("directory broke"); } } });
    const ev = envelope("fr", "key-rotated", { next: fakeJwk("fr") });
    const verdict = await throwing(signed(encoder.encode(JSON.stringify(ev)), { id: ev.id }));
    expect(verdict).toMatchObject({ ok: false, reason: Reason.UnknownKey });
    expect(verdict.ok ? "" : verdict.detail).toContain("directory broke");
  });
});
