import { generateKeyPairSync, webcrypto } from "node:crypto";
import { importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { parseSignatureHeader, signDetached, signDetachedNative, verifyDetached, verifyDetachedNative, type ParsedSignature } from "../../services/bus/wire/jws.js";
import { b64url, makeMembers, sampleEnvelope } from "../helpers/fixtures.js";

const members = await makeMembers(["fr", "es"]);
const fr = members.signers.fr!;
const es = members.signers.es!;
const frPublic = members.directory.lookup(fr.kid, new Date());
if (frPublic.status !== "active") throw new Error("fixture: fr's key is not in the directory");
const frKey = frPublic.key;
const body = new TextEncoder().encode(JSON.stringify(sampleEnvelope("fr")));

function parsed(header: string): ParsedSignature {
  const result = parseSignatureHeader(header);
  if (!result.ok) throw new Error(`fixture header refused: ${result.detail}`);
  return result.value;
}

/** Both engines' verdicts on one (body, signature header, key). */
async function verdicts(bytes: Uint8Array, header: string, key: webcrypto.CryptoKey) {
  const sig = parsed(header);
  return { jose: await verifyDetached(bytes, sig, key), native: verifyDetachedNative(bytes, sig, key) };
}

/** A header with the same protected part and `signature` bytes in place of the real ones. */
function withSignature(header: string, signature: Uint8Array): string {
  return `${header.split("..")[0]}..${Buffer.from(signature).toString("base64url")}`;
}

describe("jws engines - the native engine (libsodium signs and verifies) agrees with jose", () => {
  it("jws engines - the native signature is byte for byte the one jose makes, and both engines accept it", async () => {
    const native = signDetachedNative(body, fr.kid, fr.key);
    expect(native).toBe(await signDetached(body, fr.kid, fr.key));
    expect(await verdicts(body, native, frKey)).toEqual({ jose: true, native: true });
  });

  it("jws engines - every single-bit flip of the body is refused by both", async () => {
    const header = await signDetached(body, fr.kid, fr.key);
    for (let i = 0; i < body.length; i += 7) {
      const flipped = Uint8Array.from(body);
      flipped[i] = flipped[i]! ^ (1 << i % 8);
      expect(await verdicts(flipped, header, frKey), `byte ${i}`).toEqual({ jose: false, native: false });
    }
  });

  it("jws engines - every single-bit flip of the signature is refused by both", async () => {
    const header = await signDetached(body, fr.kid, fr.key);
    const signature = Buffer.from(header.split("..")[1]!, "base64url");
    for (let bit = 0; bit < 512; bit += 3) {
      const flipped = Uint8Array.from(signature);
      flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << bit % 8);
      expect(await verdicts(body, withSignature(header, flipped), frKey), `bit ${bit}`).toEqual({ jose: false, native: false });
    }
  });

  it("jws engines - hostile signatures and keys get the same verdict from both", async () => {
    const header = await signDetached(body, fr.kid, fr.key);
    const signature = Buffer.from(header.split("..")[1]!, "base64url");
    // S + L: the same point equation, but S out of range (signature malleability): RFC 8032 refuses it.
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
    const malleable = Uint8Array.from(signature);
    let sPlusL = s + L;
    for (let i = 0; i < 32; i++, sPlusL >>= 8n) malleable[32 + i] = Number(sPlusL & 0xffn);

    const cases: [string, Uint8Array, string, webcrypto.CryptoKey][] = [
      ["all-zero signature", body, withSignature(header, new Uint8Array(64)), frKey],
      ["all-ones signature", body, withSignature(header, new Uint8Array(64).fill(0xff)), frKey],
      ["S + L", body, withSignature(header, malleable), frKey],
      ["another member's key", body, header, (members.directory.lookup(es.kid, new Date()) as { key: webcrypto.CryptoKey }).key],
      ["the signer's private key offered as the public one", body, header, fr.key],
      ["an empty body", new Uint8Array(0), header, frKey],
      ["one byte appended", Uint8Array.from([...body, 0x20]), header, frKey],
      ["the body's last byte dropped", body.subarray(0, body.length - 1), header, frKey],
      ["signed over base64url(body), as if b64 were true", body, await signDetached(new TextEncoder().encode(Buffer.from(body).toString("base64url")), fr.kid, fr.key), frKey],
      ["signed under another protected header", body, `${b64url({ alg: "EdDSA", kid: es.kid, b64: false, crit: ["b64"] })}..${header.split("..")[1]}`, frKey],
    ];
    for (const [name, bytes, hdr, key] of cases) {
      const v = await verdicts(bytes, hdr, key);
      expect(v.native, name).toBe(v.jose);
      expect(v.native, name).toBe(false);
    }
  });

  it("jws engines - a small-order public key: jose (OpenSSL) accepts a forgery for any body, the native engine (libsodium) refuses it", async () => {
    // The identity point: with R = identity and S = 0 the cofactorless equation holds for any body.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const weakKey = (await importJWK({ kty: "OKP", crv: "Ed25519", x: Buffer.from(identity).toString("base64url") }, "EdDSA")) as webcrypto.CryptoKey;
    const forged = new Uint8Array(64);
    forged.set(identity, 0);
    const v = await verdicts(body, withSignature(await signDetached(body, fr.kid, fr.key), forged), weakKey);
    // The one place the engines differ, and the native one is the safe side: a directory must never
    // hold such a key, and with libsodium a bad directory entry still cannot be forged against.
    expect(v).toEqual({ jose: true, native: false });
  });

  it("jws engines - a key that is not Ed25519 is refused by both, whatever the header says", async () => {
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ecKey = await webcrypto.subtle.importKey("jwk", publicKey.export({ format: "jwk" }), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    const header = await signDetached(body, fr.kid, fr.key);
    expect(await verdicts(body, header, ecKey)).toEqual({ jose: false, native: false });
  });
});

describe("jws - the protected-header cache", () => {
  it("jws - a refused header stays refused however often it is sent, and an accepted one parses the same every time", () => {
    const hostile = `${b64url({ alg: "none", kid: "fr:x", b64: false, crit: ["b64"] })}..${"A".repeat(86)}`;
    for (let i = 0; i < 3; i++) expect(parseSignatureHeader(hostile).ok).toBe(false);
    const good = signDetachedNative(body, fr.kid, fr.key);
    const first = parsed(good);
    const again = parsed(good);
    expect(again.header).toEqual({ alg: "EdDSA", kid: fr.kid, b64: false, crit: ["b64"] });
    expect(again.header).toEqual(first.header);
    expect(Object.isFrozen(again.header)).toBe(true);
  });
});
