import { randomUUID } from "node:crypto";
import { GeneralEncrypt, generalDecrypt, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import type { EncPrivateJwk } from "../../schemas/keys.js";
import { SealedData, SEALED_PROTECTED_HEADER, sealedAad } from "../../schemas/sealed.js";
import { generateEncryptionKey, toPublicEncJwk } from "../../services/bus/keys/encryption.js";
import { EncKeyring } from "../../services/bus/keys/keyring.js";
import { openJwe, sealJwe } from "../../services/bus/wire/jwe.js";

const codes = ["es", "ma", "sn", "fr", "bh", "ae", "it"] as const;
const keys: Record<string, EncPrivateJwk> = {};
for (const code of codes) keys[code] = await generateEncryptionKey(code);
const ring = (code: string) => new EncKeyring([keys[code]!]);
const envelope = { source: "it", id: randomUUID(), type: "alliance.crime.bulletin.v1" };
const aad = sealedAad(envelope);
const plaintext = Buffer.from(JSON.stringify({ title: "Traffico illecito", n: 1 }), "utf8");
const to = (...members: string[]) => members.map((m) => toPublicEncJwk(keys[m]!));

async function joseOpen(jwe: SealedData, code: string) {
  const key = await importJWK(keys[code]!, "ECDH-ES+A256KW");
  return generalDecrypt(jwe, key, { keyManagementAlgorithms: ["ECDH-ES+A256KW"], contentEncryptionAlgorithms: ["A256GCM"] });
}

describe("jwe - sealing on node:crypto (v1.1 §1b.2)", () => {
  it("jwe - each listed recipient opens it, with the plaintext and the kid of its key; others cannot", () => {
    const jwe = sealJwe(plaintext, to("es", "ma", "sn"), aad);
    expect(SealedData.safeParse(jwe).success).toBe(true);
    for (const code of ["es", "ma", "sn"]) {
      const opened = openJwe(jwe, code, ring(code));
      expect(opened).toMatchObject({ ok: true, kid: keys[code]!.kid });
      if (opened.ok) expect(opened.plaintext.equals(plaintext)).toBe(true);
    }
    expect(openJwe(jwe, "ae", ring("ae")).ok).toBe(false);
    // A non-recipient holding its own key claims to be a recipient: its key opens nothing.
    expect(openJwe(jwe, "es", ring("ae")).ok).toBe(false);
  });

  it("jwe - jose's generalDecrypt opens what node:crypto sealed, for 1, 3 and 7 recipients", async () => {
    for (const members of [["es"], ["es", "ma", "sn"], [...codes]]) {
      const jwe = sealJwe(plaintext, to(...members), aad);
      for (const code of members) {
        const opened = await joseOpen(jwe, code);
        expect(Buffer.from(opened.plaintext).equals(plaintext)).toBe(true);
        expect(opened.protectedHeader).toEqual(SEALED_PROTECTED_HEADER);
        expect(Buffer.from(opened.additionalAuthenticatedData!).toString("base64url")).toBe(aad);
        expect(opened.unprotectedHeader).toMatchObject({ alg: "ECDH-ES+A256KW", kid: keys[code]!.kid });
      }
    }
  });

  it("jwe - node:crypto opens what jose's GeneralEncrypt sealed, and the layout is the same", async () => {
    const enc = new GeneralEncrypt(plaintext).setProtectedHeader({ enc: "A256GCM" }).setAdditionalAuthenticatedData(Buffer.from(aad, "base64url"));
    for (const code of ["es", "ma", "sn"]) {
      enc.addRecipient(await importJWK(toPublicEncJwk(keys[code]!), "ECDH-ES+A256KW")).setUnprotectedHeader({ alg: "ECDH-ES+A256KW", kid: keys[code]!.kid });
    }
    const jwe = await enc.encrypt();
    const parsed = SealedData.parse(jwe);
    const ours = sealJwe(plaintext, to("es", "ma", "sn"), aad);
    expect(Object.keys(jwe)).toEqual(Object.keys(ours));
    expect(jwe.recipients!.map((r) => Object.keys(r.header!))).toEqual(ours.recipients.map((r) => Object.keys(r.header)));
    expect(jwe.recipients!.map((r) => Object.keys(r.header!.epk!))).toEqual(ours.recipients.map((r) => Object.keys(r.header.epk)));
    for (const code of ["es", "ma", "sn"]) {
      const opened = openJwe(parsed, code, ring(code));
      expect(opened.ok && opened.plaintext.equals(plaintext)).toBe(true);
    }
  });

  it("jwe - fixed content key, IV and ephemeral keys give the same bytes every time", () => {
    const vector = { cek: Buffer.alloc(32, 1), iv: Buffer.alloc(12, 2), ephemeral: [Buffer.alloc(32, 3), Buffer.alloc(32, 4)] };
    const a = sealJwe(plaintext, to("es", "ma"), aad, vector);
    expect(JSON.stringify(sealJwe(plaintext, to("es", "ma"), aad, vector))).toBe(JSON.stringify(a));
    expect(openJwe(a, "ma", ring("ma")).ok).toBe(true);
  });

  it("jwe - a changed aad, ciphertext, tag or wrapped key is refused, never an exception", () => {
    const jwe = sealJwe(plaintext, to("es"), aad);
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    const other = sealedAad({ ...envelope, source: "ae" });
    for (const bad of [{ ...jwe, aad: other }, { ...jwe, ciphertext: flip(jwe.ciphertext) }, { ...jwe, tag: flip(jwe.tag) },
      { ...jwe, recipients: [{ ...jwe.recipients[0]!, encrypted_key: flip(jwe.recipients[0]!.encrypted_key) }] }]) {
      expect(openJwe(bad, "es", ring("es")).ok).toBe(false);
    }
  });

  it("jwe - an older key in the keyring still opens what was sealed to it", async () => {
    const old = sealJwe(plaintext, to("es"), aad);
    const next = await generateEncryptionKey("es");
    const rotated = ring("es").with(next);
    expect(openJwe(old, "es", rotated).ok).toBe(true);
    expect(openJwe(old, "es", rotated.prune(new Set()).kept).ok).toBe(false);
    expect(rotated.prune(new Set([keys.es!.kid])).kept.keys).toHaveLength(2);
  });
});

describe("jwe - the bounds every subscriber checks (check 6)", () => {
  const good = sealJwe(plaintext, to("es", "ma"), aad);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const rejects = (jwe: unknown) => expect(SealedData.safeParse(jwe).success).toBe(false);

  it("jwe - zip, another enc or alg, extra members, and more than 64 recipients are refused", () => {
    expect(SealedData.safeParse(good).success).toBe(true);
    rejects({ ...good, protected: b64({ enc: "A256GCM", zip: "DEF" }) });
    rejects({ ...good, protected: b64({ enc: "A128GCM" }) });
    rejects({ ...good, unprotected: { zip: "DEF" } });
    rejects({ ...good, recipients: [{ ...good.recipients[0]!, header: { ...good.recipients[0]!.header, alg: "RSA-OAEP" } }] });
    rejects({ ...good, recipients: [{ ...good.recipients[0]!, header: { ...good.recipients[0]!.header, zip: "DEF" } }] });
    rejects({ ...good, recipients: [{ ...good.recipients[0]!, header: { ...good.recipients[0]!.header, epk: { ...good.recipients[0]!.header.epk, d: "x" } } }] });
    rejects({ ...good, recipients: [good.recipients[0], good.recipients[0]] });
    rejects({ ...good, recipients: Array.from({ length: 65 }, (_, i) => ({ ...good.recipients[0]!, header: { ...good.recipients[0]!.header, kid: `es:enc-k${i}` } })) });
    rejects({ ...good, iv: "AAAA" });
  });
});
