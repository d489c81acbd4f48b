import { createUser, fromSeed } from "@nats-io/nkeys";

/** A new NATS user nkey: its seed (`SU…`, secret) and public key (`U…`). */
export function createUserNkey(): { readonly seed: Uint8Array; readonly publicKey: string } {
  const user = createUser();
  return { seed: user.getSeed(), publicKey: user.getPublicKey() };
}

/** The public key (`U…`) of an nkey seed; throws on a malformed seed. */
export function publicKeyOfNkeySeed(seed: Uint8Array): string {
  return fromSeed(seed).getPublicKey();
}
