import type { webcrypto } from "node:crypto";
import { FlattenedSign, flattenedVerify } from "jose";
import { z } from "zod";
import { Kid } from "../../../schemas/protocol.js";
import { ed25519Sign, ed25519Verify } from "./ed25519.js";
import { parseJsonSafely } from "./safe-json.js";

/**
 * Detached JWS with unencoded payload (RFC 7515 appendix F + RFC 7797): the header value is
 * `<b64url(protected)>..<b64url(signature)>` and the signing input is
 * `b64url(protected) || "." || <exact body bytes>`.
 */
export const ALGORITHM = "EdDSA";

/** The only protected header accepted: exactly these members, these values. */
export const ProtectedHeader = z.strictObject({
  alg: z.literal(ALGORITHM),
  kid: Kid,
  b64: z.literal(false),
  crit: z.tuple([z.literal("b64")]),
});
export type ProtectedHeader = z.infer<typeof ProtectedHeader>;

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Canonical base64url only: the unused low bits of the last character must be zero, so that one
 * signature has one spelling and strict decoders in other languages reach the same verdict.
 */
function isCanonicalBase64url(value: string): boolean {
  return B64URL.test(value) && Buffer.from(value, "base64url").toString("base64url") === value;
}
/** A protected header this long is hostile: the legitimate one is under 120 characters. */
const MAX_PROTECTED_LENGTH = 512;
/** An Ed25519 signature is 64 bytes: 86 base64url characters. */
const SIGNATURE_LENGTH = 86;

/** Which implementation checks the arithmetic: libsodium, synchronous (the default), or jose. Both must agree. */
export type SignatureEngine = "native" | "jose";

/** Signs with jose: the reference implementation (the tests' fixtures sign this way). */
export async function signDetached(body: Uint8Array, kid: string, key: webcrypto.CryptoKey): Promise<string> {
  const jws = await new FlattenedSign(body)
    .setProtectedHeader({ alg: ALGORITHM, kid, b64: false, crit: ["b64"] })
    .sign(key);
  return `${jws.protected}..${jws.signature}`;
}

/**
 * The same signature as `signDetached`, computed with libsodium on a secret key derived once per
 * key (ed25519.ts), the protected header serialised once per kid. What publishers use.
 */
export function signDetachedNative(body: Uint8Array, kid: string, key: webcrypto.CryptoKey): string {
  const protectedB64 = protectedHeaderFor(kid);
  return `${protectedB64}..${ed25519Sign(signingInput(protectedB64, body), key).toString("base64url")}`;
}

const protectedByKid = new Map<string, string>();
function protectedHeaderFor(kid: string): string {
  let encoded = protectedByKid.get(kid);
  if (!encoded) {
    encoded = Buffer.from(JSON.stringify({ alg: ALGORITHM, kid, b64: false, crit: ["b64"] })).toString("base64url");
    if (protectedByKid.size >= HEADER_CACHE_SIZE) protectedByKid.clear();
    protectedByKid.set(kid, encoded);
  }
  return encoded;
}

/** `b64url(protected) || "." || body`: RFC 7797's signing input, the body bytes as they are. */
function signingInput(protectedB64: string, body: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(protectedB64.length + 1 + body.length);
  input.write(protectedB64, 0, "latin1");
  input[protectedB64.length] = 0x2e;
  input.set(body, protectedB64.length + 1);
  return input;
}

export type ParsedSignature = { protectedB64: string; signatureB64: string; header: ProtectedHeader };

/** Parses the `Alliance-Signature` header value; returns a reason-ready error string on failure. */
export function parseSignatureHeader(value: string): { ok: true; value: ParsedSignature } | { ok: false; detail: string } {
  const parts = value.split(".");
  if (parts.length !== 3 || parts[1] !== "") return { ok: false, detail: "not <protected>..<signature>" };
  const [protectedB64, , signatureB64] = parts as [string, string, string];
  if (protectedB64.length > MAX_PROTECTED_LENGTH || !isCanonicalBase64url(protectedB64)) return { ok: false, detail: "protected header is not base64url" };
  if (signatureB64.length !== SIGNATURE_LENGTH || !isCanonicalBase64url(signatureB64)) return { ok: false, detail: "signature is not a base64url Ed25519 signature" };
  const checked = checkProtectedHeader(protectedB64);
  if (!checked.ok) return checked;
  return { ok: true, value: { protectedB64, signatureB64, header: checked.header } };
}

/**
 * Protected headers already accepted, by their exact base64url text. A publisher sends the same one
 * on every message, so each is parsed once; refused ones are never kept, and the cache is bounded
 * (emptied when full) so that a flood of distinct headers costs only the parse it would anyway.
 */
const acceptedHeaders = new Map<string, ProtectedHeader>();
const HEADER_CACHE_SIZE = 1024;

function checkProtectedHeader(protectedB64: string): { ok: true; header: ProtectedHeader } | { ok: false; detail: string } {
  const known = acceptedHeaders.get(protectedB64);
  if (known) return { ok: true, header: known };
  const json = parseJsonSafely(Buffer.from(protectedB64, "base64url"), 2);
  if (!json.ok) return { ok: false, detail: `protected header: ${json.detail}` };
  const header = ProtectedHeader.safeParse(json.value);
  if (!header.success) {
    return { ok: false, detail: `protected header must be exactly {"alg":"EdDSA","kid":"<origin>:<key-id>","b64":false,"crit":["b64"]}` };
  }
  if (acceptedHeaders.size >= HEADER_CACHE_SIZE) acceptedHeaders.clear();
  acceptedHeaders.set(protectedB64, Object.freeze(header.data));
  return { ok: true, header: header.data };
}

/** True when the signature holds over the exact body bytes, checked by jose: the reference. Only EdDSA. */
export async function verifyDetached(body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey): Promise<boolean> {
  try {
    await flattenedVerify({ protected: sig.protectedB64, payload: body, signature: sig.signatureB64 }, key, { algorithms: [ALGORITHM] });
    return true;
  } catch {
    return false;
  }
}

/**
 * `verifyDetached` on libsodium: the same answer (test/unit/jws-engines.test.ts holds both to it,
 * hostile inputs included), synchronously, without WebCrypto's per-call promise and job. The header
 * was already held to the allowlist by `parseSignatureHeader`; the key must be Ed25519.
 */
export function verifyDetachedNative(body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey): boolean {
  if (sig.header.alg !== ALGORITHM) return false;
  return ed25519Verify(signingInput(sig.protectedB64, body), Buffer.from(sig.signatureB64, "base64url"), key);
}
