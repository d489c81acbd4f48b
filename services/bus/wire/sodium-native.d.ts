/** The libsodium bindings the bus uses (sodium-native ships no types of its own). */
declare module "sodium-native" {
  /** libsodium's crypto_sign_verify_detached: Ed25519, RFC 8032, canonical encodings and no small-order keys. */
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** False for encodings that are not a point, not canonical, or of small order. */
  export function crypto_core_ed25519_is_valid_point(point: Uint8Array): boolean;
  /** Ed25519 signature of `message` with a 64-byte secret key (seed and public key), written to `signature`. */
  export function crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  /** The key pair of a 32-byte Ed25519 seed. */
  export function crypto_sign_seed_keypair(publicKey: Uint8Array, secretKey: Uint8Array, seed: Uint8Array): void;
  /** A buffer in guarded memory, locked against swapping and zeroed when released. */
  export function sodium_malloc(size: number): Buffer;
  export const crypto_sign_PUBLICKEYBYTES: number;
  export const crypto_sign_SECRETKEYBYTES: number;
  export const crypto_sign_BYTES: number;
}
