import type { webcrypto } from "node:crypto";
import { FlattenedSign, flattenedVerify } from "jose";
import { z } from "zod";
import { Kid } from "../../schemas/protocol.js";
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

export async function signDetached(body: Uint8Array, kid: string, key: webcrypto.CryptoKey): Promise<string> {
  const jws = await new FlattenedSign(body)
    .setProtectedHeader({ alg: ALGORITHM, kid, b64: false, crit: ["b64"] })
    .sign(key);
  return `${jws.protected}..${jws.signature}`;
}

export type ParsedSignature = { protectedB64: string; signatureB64: string; header: ProtectedHeader };

/** Parses the `Alliance-Signature` header value; returns a reason-ready error string on failure. */
export function parseSignatureHeader(value: string): { ok: true; value: ParsedSignature } | { ok: false; detail: string } {
  const parts = value.split(".");
  if (parts.length !== 3 || parts[1] !== "") return { ok: false, detail: "not <protected>..<signature>" };
  const [protectedB64, , signatureB64] = parts as [string, string, string];
  if (protectedB64.length > MAX_PROTECTED_LENGTH || !isCanonicalBase64url(protectedB64)) return { ok: false, detail: "protected header is not base64url" };
  if (signatureB64.length !== SIGNATURE_LENGTH || !isCanonicalBase64url(signatureB64)) return { ok: false, detail: "signature is not a base64url Ed25519 signature" };
  const json = parseJsonSafely(Buffer.from(protectedB64, "base64url"), 2);
  if (!json.ok) return { ok: false, detail: `protected header: ${json.detail}` };
  const header = ProtectedHeader.safeParse(json.value);
  if (!header.success) {
    return { ok: false, detail: `protected header must be exactly {"alg":"EdDSA","kid":"<origin>:<key-id>","b64":false,"crit":["b64"]}` };
  }
  return { ok: true, value: { protectedB64, signatureB64, header: header.data } };
}

/** True when the signature holds over the exact body bytes. Only EdDSA is ever accepted. */
export async function verifyDetached(body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey): Promise<boolean> {
  try {
    await flattenedVerify({ protected: sig.protectedB64, payload: body, signature: sig.signatureB64 }, key, { algorithms: [ALGORITHM] });
    return true;
  } catch {
    return false;
  }
}
