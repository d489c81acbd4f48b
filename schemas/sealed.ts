import { z } from "zod";
import { EncKid } from "./keys.js";

/**
 * The sealed `data` of protocol v1.1 (§1b.2): a JWE in General JSON Serialization (RFC 7516
 * §7.2.1), bounded so that a hostile message costs every subscriber little: one protected header
 * `{"enc":"A256GCM"}` (no `zip`, ever), no shared unprotected header, at most 64 recipients each
 * with `{"alg":"ECDH-ES+A256KW","kid","epk"}` and a wrapped 256-bit key. Anything else is `schema`
 * at check 6, for every subscriber, recipient or not.
 */

export const MAX_SEALED_RECIPIENTS = 64;
export const SEALED_ENC = "A256GCM" as const;
export const SEALED_ALG = "ECDH-ES+A256KW" as const;
/** The protected header every sealed event carries, and its base64url form. */
export const SEALED_PROTECTED_HEADER = { enc: SEALED_ENC } as const;
export const SEALED_PROTECTED = Buffer.from(JSON.stringify(SEALED_PROTECTED_HEADER)).toString("base64url");

const b64u = (min: number, max: number) => z.string().min(min).max(max).regex(/^[A-Za-z0-9_-]*$/, "base64url");

/** The protected header, decoded: exactly `{"enc":"A256GCM"}` (members may serialise it their own way). */
const ProtectedHeader = z.strictObject({ enc: z.literal(SEALED_ENC) });

const Protected = b64u(1, 200).refine((value) => {
  try {
    return ProtectedHeader.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8"))).success;
  } catch {
    return false;
  }
}, 'the protected header must be exactly {"enc":"A256GCM"}');

/** The ephemeral public key jose writes for ECDH-ES on X25519: public members only. */
export const EphemeralJwk = z.strictObject({
  // jose's order: a parsed JWE serialises as it was sealed.
  x: b64u(43, 43),
  crv: z.literal("X25519"),
  kty: z.literal("OKP"),
});

export const SealedRecipient = z.strictObject({
  header: z.strictObject({ alg: z.literal(SEALED_ALG), kid: EncKid, epk: EphemeralJwk }),
  // AES key wrap of a 32-byte key: 40 bytes, 54 base64url characters.
  encrypted_key: b64u(54, 54),
});
export type SealedRecipient = z.infer<typeof SealedRecipient>;

export const SealedData = z
  .strictObject({
    // In the order jose writes them, so that a parsed JWE serialises as it was sealed.
    ciphertext: b64u(0, 12 * 1024 * 1024),
    iv: b64u(16, 16).describe("96-bit AES-GCM nonce"),
    tag: b64u(22, 22).describe("128-bit AES-GCM tag"),
    aad: b64u(1, 400),
    protected: Protected,
    recipients: z.array(SealedRecipient).min(1).max(MAX_SEALED_RECIPIENTS),
  })
  .refine((jwe) => new Set(jwe.recipients.map((r) => r.header.kid)).size === jwe.recipients.length, "a kid appears twice among the recipients")
  .meta({ title: "SealedData", description: "Protocol v1.1 §1b.2: a bounded General JSON JWE, ECDH-ES+A256KW per recipient, A256GCM, no zip." });
export type SealedData = z.infer<typeof SealedData>;

/** The additional authenticated data binding a sealed `data` to its envelope (§1b.2), as ASCII. */
export function sealedAadText(envelope: { readonly source: string; readonly id: string; readonly type: string }): string {
  return `alliance/1.1/${envelope.source}/${envelope.id}/${envelope.type}`;
}

export function sealedAad(envelope: { readonly source: string; readonly id: string; readonly type: string }): string {
  return Buffer.from(sealedAadText(envelope), "ascii").toString("base64url");
}

/**
 * The cross-checks of a sealed envelope every subscriber makes (check 6): it names recipients, and
 * the JWE has exactly one entry per named member. Returns the problem, or undefined.
 */
export function sealedEnvelopeProblem(recipients: readonly string[] | undefined, jwe: SealedData): string | undefined {
  if (!recipients) return "a sealed event must list its recipients";
  const members = jwe.recipients.map((r) => r.header.kid.slice(0, r.header.kid.indexOf(":")));
  if (new Set(members).size !== members.length) return "the JWE seals to one member twice";
  if (members.length !== recipients.length || !members.every((m) => recipients.includes(m))) {
    return `the JWE's recipients (${members.join(",")}) are not the envelope's (${recipients.join(",")})`;
  }
  return undefined;
}
