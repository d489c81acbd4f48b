import { exportJWK, generateKeyPair } from "jose";
import { EncPrivateJwk, EncPublicJwk } from "../../../schemas/keys.js";
import type { OriginCode } from "../../../schemas/protocol.js";
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
