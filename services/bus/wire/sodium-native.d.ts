/** The one libsodium binding the bus uses (sodium-native ships no types of its own). */
declare module "sodium-native" {
  /** libsodium's crypto_sign_verify_detached: Ed25519, RFC 8032, canonical encodings and no small-order keys. */
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** False for encodings that are not a point, not canonical, or of small order. */
  export function crypto_core_ed25519_is_valid_point(point: Uint8Array): boolean;
  export const crypto_sign_PUBLICKEYBYTES: number;
  export const crypto_sign_BYTES: number;
}
