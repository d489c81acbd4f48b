import { exportJWK, generateKeyPair } from "jose";
import { EncPrivateJwk, EncPublicJwk, encryptionJwks, type Jwks } from "../../../schemas/keys.js";
import type { OriginCode } from "../../../schemas/protocol.js";
import { memberOfKid } from "./directory.js";
import { newKeyId } from "./keys.js";

/** The key-management algorithm every sealed event uses for each recipient (protocol v1.1 §1b.2). */
export const ENCRYPTION_ALGORITHM = "ECDH-ES+A256KW" as const;

/**
 * A fresh X25519 key pair for sealed distribution, kid `<origin>:enc-<key-id>`. Made by the member
 * that will hold it; only the public half (see `toPublicEncJwk`) ever leaves the member.
 */
export async function generateEncryptionKey(origin: OriginCode, keyId = newKeyId()): Promise<EncPrivateJwk> {
  const { privateKey } = await generateKeyPair(ENCRYPTION_ALGORITHM, { crv: "X25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return EncPrivateJwk.parse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d, kid: `${origin}:enc-${keyId}`, use: "enc", alg: ENCRYPTION_ALGORITHM });
}

export function toPublicEncJwk(jwk: EncPrivateJwk): EncPublicJwk {
  const { d: _private, ...pub } = jwk;
  return EncPublicJwk.parse(pub);
}

/** What a directory says of a member's encryption key at a time (v1.1 §1b.1). */
export type EncryptionKeyLookup =
  | { status: "active"; member: string; jwk: EncPublicJwk }
  | { status: "unknown"; member: string }
  | { status: "inactive"; member: string };

/**
 * Resolves recipients' current encryption keys for sealing. Every member resolves the same keys:
 * the static directory from the founding JWKS, the live one from the signed governance key events.
 */
export interface EncryptionDirectory {
  encryptionKeyOf(member: string, at: Date): EncryptionKeyLookup;
}

/** The encryption keys of a fixed JWKS: a member's last listed enc key is its current one. */
export class StaticEncryptionDirectory implements EncryptionDirectory {
  private constructor(private readonly current: ReadonlyMap<string, EncPublicJwk>) {}

  static fromJwks(jwks: Jwks): StaticEncryptionDirectory {
    const current = new Map<string, EncPublicJwk>();
    for (const jwk of encryptionJwks(jwks)) current.set(memberOfKid(jwk.kid), jwk);
    return new StaticEncryptionDirectory(current);
  }

  encryptionKeyOf(member: string, _at?: Date): EncryptionKeyLookup {
    const jwk = this.current.get(member);
    return jwk ? { status: "active", member, jwk } : { status: "unknown", member };
  }
}

/** Whether a key valid since `validFrom` is past the rotation epoch at `now` (config encryption.rotationDays). */
export function rotationDue(validFrom: Date | null, rotationDays: number, now = new Date()): boolean {
  if (!validFrom) return false;
  return now.getTime() - validFrom.getTime() >= rotationDays * 86_400_000;
}
