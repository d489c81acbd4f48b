import sodium from "sodium-native";
import { z } from "zod";
import { Kid } from "./protocol.js";

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, "base64url");

/**
 * True when `x` is 43 base64url characters that decode to 32 bytes encoding a valid Ed25519
 * point (not small-order, canonical). Never throws, whatever `x` is: zod runs a refine even when
 * the pattern and length checks before it failed, and libsodium throws on a buffer that is not
 * 32 bytes long, so the bytes are decoded and measured here first.
 */
export function isValidEd25519PublicKey(x: unknown): boolean {
  if (typeof x !== "string" || !/^[A-Za-z0-9_-]{43}$/.test(x)) return false;
  const bytes = Buffer.from(x, "base64url");
  if (bytes.length !== sodium.crypto_sign_PUBLICKEYBYTES) return false;
  try {
    return sodium.crypto_core_ed25519_is_valid_point(bytes);
  } catch {
    return false;
  }
}

/** A public Ed25519 JWK as it appears in the directory: standard JWK members only. */
export const PublicJwk = z.strictObject({
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: base64url
    .length(43)
    // A small-order or non-canonical point lets forged signatures verify in lenient libraries
    // (OpenSSL among them): such a key never enters a directory.
    .refine(isValidEd25519PublicKey, "not a valid Ed25519 public key (small-order or non-canonical point)")
    .describe("The 32-byte public key, base64url; a point of small order or a non-canonical encoding is refused."),
  kid: Kid,
  alg: z.literal("EdDSA"),
  use: z.literal("sig").optional(),
});
export type PublicJwk = z.infer<typeof PublicJwk>;

/** A private Ed25519 JWK as `alliance keys init` writes it (mode 0600). */
export const PrivateJwk = PublicJwk.extend({ d: base64url.length(43) });
export type PrivateJwk = z.infer<typeof PrivateJwk>;


/** `<code>:enc-<key-id>`: the kid of a member's X25519 encryption key (protocol v1.1 §1b.1). */
export const EncKid = Kid.refine((kid) => kid.slice(kid.indexOf(":") + 1).startsWith("enc-"), "<origin>:enc-<key-id>");

/** A public X25519 JWK for sealed distribution (protocol v1.1 §1b.1): standard JWK members only. */
export const EncPublicJwk = z.strictObject({
  kty: z.literal("OKP"),
  crv: z.literal("X25519"),
  x: base64url.length(43).describe("The 32-byte X25519 public key, base64url."),
  kid: EncKid,
  use: z.literal("enc"),
  alg: z.literal("ECDH-ES+A256KW"),
});
export type EncPublicJwk = z.infer<typeof EncPublicJwk>;

/** A private X25519 JWK, kept by the member that made it (mode 0600), never by the host. */
export const EncPrivateJwk = EncPublicJwk.extend({ d: base64url.length(43) });
export type EncPrivateJwk = z.infer<typeof EncPrivateJwk>;

/** A key of the directory: an Ed25519 signing key, or (v1.1 §1b.1) an X25519 encryption key. */
export const DirectoryJwk = z.union([PublicJwk, EncPublicJwk]);
export type DirectoryJwk = z.infer<typeof DirectoryJwk>;

/**
 * The public key directory: a JWKS (RFC 7517 §5) with members' signing keys and, beside them,
 * their encryption keys (`use: "enc"`). Signing lookups ignore the encryption keys.
 */
export const Jwks = z.strictObject({ keys: z.array(DirectoryJwk).max(10_000) });
export type Jwks = z.infer<typeof Jwks>;

export function isEncryptionJwk(jwk: DirectoryJwk): jwk is EncPublicJwk {
  return jwk.use === "enc";
}

export function signingJwks(jwks: Jwks): PublicJwk[] {
  return jwks.keys.filter((k): k is PublicJwk => !isEncryptionJwk(k));
}

export function encryptionJwks(jwks: Jwks): EncPublicJwk[] {
  return jwks.keys.filter(isEncryptionJwk);
}
