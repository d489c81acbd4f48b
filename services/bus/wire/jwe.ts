import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";
import type { EncPrivateJwk, EncPublicJwk } from "../../../schemas/keys.js";
import { SEALED_ALG, SEALED_PROTECTED, type SealedData, type SealedRecipient } from "../../../schemas/sealed.js";

/**
 * Sealing (protocol v1.1 §1b.2) on node:crypto: General JSON JWE, A256GCM content encryption and
 * ECDH-ES+A256KW (X25519, Concat KDF, AES key wrap) per recipient, `epk` in each recipient's
 * header. jose's GeneralEncrypt makes the same JWE for two recipients or more (for one it moves
 * `epk` into the protected header, which §1b.2 does not allow) and is the reference the tests
 * hold this to both ways (test/unit/jwe.test.ts); this one is several times faster (bench/sealed.ts)
 * and, given a fixed content key, IV and ephemeral keys, deterministic: the worked example of
 * docs/protocol.md is made here and reproduced by docs/examples/seal.py.
 */

/** A recipient's public key as the directory gives it. */
export type SealTo = Pick<EncPublicJwk, "kid" | "x">;

/** Fixed inputs, for worked examples and tests only; production draws them at random. */
export interface SealVector {
  readonly cek: Uint8Array;
  readonly iv: Uint8Array;
  /** One ephemeral X25519 private key (32 bytes, `d`) per recipient, in order. */
  readonly ephemeral: readonly Uint8Array[];
}

const AES_KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

const ALG_ID = Buffer.from(SEALED_ALG, "ascii");
/** RFC 7518 §4.6.2 OtherInfo for ECDH-ES+A256KW with empty apu and apv, keydatalen 256. */
const OTHER_INFO = Buffer.concat([u32(ALG_ID.length), ALG_ID, u32(0), u32(0), u32(256)]);

/** Concat KDF (NIST SP 800-56A) with SHA-256: one round gives the 256-bit key-wrapping key. */
function kek(shared: Buffer): Buffer {
  return createHash("sha256").update(u32(1)).update(shared).update(OTHER_INFO).digest();
}

/** SPKI DER prefix of an X25519 public key (RFC 8410): the 32 raw bytes follow. */
const X25519_SPKI_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

function x25519Public(x: string): KeyObject {
  // DER import is several times cheaper than JWK import; the key is the same.
  return createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, Buffer.from(x, "base64url")]), format: "der", type: "spki" });
}

function publicX(key: KeyObject): string {
  return key.export({ type: "spki", format: "der" }).subarray(X25519_SPKI_PREFIX.length).toString("base64url");
}

function x25519Private(x: string, d: string): KeyObject {
  return createPrivateKey({ key: { kty: "OKP", crv: "X25519", x, d }, format: "jwk" });
}

function wrap(key: Buffer, cek: Uint8Array): Buffer {
  const c = createCipheriv("id-aes256-wrap", key, AES_KW_IV);
  return Buffer.concat([c.update(cek), c.final()]);
}

function unwrap(key: Buffer, wrapped: Buffer): Buffer {
  const d = createDecipheriv("id-aes256-wrap", key, AES_KW_IV);
  return Buffer.concat([d.update(wrapped), d.final()]);
}

const publicKeys = new Map<string, KeyObject>();
/** Recipient keys are few and reused for every message: parse each once. */
function recipientKey(to: SealTo): KeyObject {
  const id = `${to.kid}/${to.x}`;
  let key = publicKeys.get(id);
  if (!key) {
    if (publicKeys.size > 10_000) publicKeys.clear();
    publicKeys.set(id, (key = x25519Public(to.x)));
  }
  return key;
}

/** PKCS#8 DER prefix of an X25519 private key (RFC 8410): the 32 raw bytes follow. */
const X25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");

function ephemeralKey(d: Uint8Array | undefined): { privateKey: KeyObject; x: string } {
  if (!d) {
    const { privateKey, publicKey } = generateKeyPairSync("x25519");
    return { privateKey, x: publicX(publicKey) };
  }
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, d]), format: "der", type: "pkcs8" });
  return { privateKey, x: publicX(createPublicKey(privateKey)) };
}

/**
 * Seals `plaintext` to each of `to` with `aad` (the BASE64URL of §1b.2's ASCII string). The JWE's
 * members are in the order jose writes them: ciphertext, iv, tag, aad, protected, recipients;
 * each recipient `{ header: { alg, kid, epk: { x, crv, kty } }, encrypted_key }`.
 */
export function sealJwe(plaintext: Uint8Array, to: readonly SealTo[], aad: string, vector?: SealVector): SealedData {
  const cek = vector?.cek ?? randomBytes(32);
  const iv = vector?.iv ?? randomBytes(12);
  const recipients: SealedRecipient[] = to.map((recipient, i) => {
    const epk = ephemeralKey(vector?.ephemeral[i]);
    const shared = diffieHellman({ privateKey: epk.privateKey, publicKey: recipientKey(recipient) });
    return {
      header: { alg: SEALED_ALG, kid: recipient.kid, epk: { x: epk.x, crv: "X25519", kty: "OKP" } },
      encrypted_key: wrap(kek(shared), cek).toString("base64url"),
    };
  });
  const cipher = createCipheriv("aes-256-gcm", cek, iv);
  // RFC 7516 §5.1 step 14: the GCM AAD is ASCII(BASE64URL(protected) || "." || BASE64URL(aad)).
  cipher.setAAD(Buffer.from(`${SEALED_PROTECTED}.${aad}`, "ascii"));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    ciphertext: ciphertext.toString("base64url"),
    iv: Buffer.from(iv).toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
    aad,
    protected: SEALED_PROTECTED,
    recipients,
  };
}

export type OpenResult = { ok: true; plaintext: Buffer; kid: string } | { ok: false; detail: string };

/** What a recipient opens with: its current and older private keys, found by kid. */
export interface PrivateKeyring {
  privateKeyFor(kid: string): EncPrivateJwk | undefined;
}

const privateKeys = new WeakMap<EncPrivateJwk, KeyObject>();
function privateKeyOf(jwk: EncPrivateJwk): KeyObject {
  let key = privateKeys.get(jwk);
  if (!key) privateKeys.set(jwk, (key = x25519Private(jwk.x, jwk.d)));
  return key;
}

/**
 * Opens a JWE (already checked against `SealedData`) for `member` with the keys of `keyring`:
 * the recipient entry whose kid is `member`'s and in the keyring. Every failure (no such entry,
 * a key we no longer hold, a bad wrap, a bad tag) is a detail, never an exception.
 */
export function openJwe(jwe: SealedData, member: string, keyring: PrivateKeyring): OpenResult {
  const mine = jwe.recipients.filter((r) => r.header.kid.startsWith(`${member}:`));
  if (mine.length === 0) return { ok: false, detail: `no recipient entry for ${member}` };
  const entry = mine.find((r) => keyring.privateKeyFor(r.header.kid));
  if (!entry) return { ok: false, detail: `sealed to ${mine.map((r) => r.header.kid).join(",")}, a key this member does not hold` };
  const jwk = keyring.privateKeyFor(entry.header.kid)!;
  try {
    const shared = diffieHellman({ privateKey: privateKeyOf(jwk), publicKey: x25519Public(entry.header.epk.x) });
    // An all-zero shared secret means a small-order epk: refuse it rather than derive from it.
    if (timingSafeEqual(shared, Buffer.alloc(shared.length))) return { ok: false, detail: "ephemeral key of small order" };
    const cek = unwrap(kek(shared), Buffer.from(entry.encrypted_key, "base64url"));
    const decipher = createDecipheriv("aes-256-gcm", cek, Buffer.from(jwe.iv, "base64url"));
    decipher.setAAD(Buffer.from(`${jwe.protected}.${jwe.aad}`, "ascii"));
    decipher.setAuthTag(Buffer.from(jwe.tag, "base64url"));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(jwe.ciphertext, "base64url")), decipher.final()]);
    return { ok: true, plaintext, kid: entry.header.kid };
  } catch (err) {
    return { ok: false, detail: `cannot open with ${entry.header.kid}: ${(err as Error).message}` };
  }
}
