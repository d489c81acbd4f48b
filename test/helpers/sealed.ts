import type { Jwks, EncPrivateJwk } from "../../schemas/keys.js";
import { generateEncryptionKey, StaticEncryptionDirectory, toPublicEncJwk } from "../../services/bus/keys/encryption.js";
import { EncKeyring } from "../../services/bus/keys/keyring.js";
import { makeMembers } from "./fixtures.js";

/** Members with signing and encryption keys, one JWKS of both (the founding directory), and keyrings. */
export async function makeSealedMembers(codes: readonly string[]) {
  const members = await makeMembers(codes);
  const enc: Record<string, EncPrivateJwk> = {};
  for (const code of codes) if (code !== "sec") enc[code] = await generateEncryptionKey(code as never);
  const jwks: Jwks = { keys: [...members.publicJwks.keys, ...Object.values(enc).map(toPublicEncJwk)] };
  const keyrings: Record<string, EncKeyring> = Object.fromEntries(Object.entries(enc).map(([code, jwk]) => [code, new EncKeyring([jwk])]));
  return { ...members, enc, jwks, keyrings, encryption: StaticEncryptionDirectory.fromJwks(jwks) };
}
