import { KeyObject, type webcrypto } from "node:crypto";
import sodium from "sodium-native";

/**
 * Ed25519 arithmetic, on keys converted once per CryptoKey, with libsodium (sodium-native): it
 * verifies about 1.8x and signs about 1.7x faster than OpenSSL (node:crypto) here, and it is
 * stricter: it also refuses small-order public keys and points. Ed25519 signatures are
 * deterministic, so a signature is byte for byte the one OpenSSL or jose would make. jose
 * (WebCrypto) stays the owner of key import and of the JOSE format, and remains the reference the
 * tests hold this to; WebCrypto runs each operation behind a promise and a thread-pool job
 * (docs/performance.md).
 */
const keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();
const rawPublicKeys = new WeakMap<webcrypto.CryptoKey, Buffer>();
const secretKeys = new WeakMap<webcrypto.CryptoKey, Buffer>();

/** The KeyObject of an Ed25519 CryptoKey; anything but Ed25519 is refused, whatever the caller says. */
export function ed25519KeyObject(key: webcrypto.CryptoKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key);
    // With a null digest, node:crypto would happily run RSA or ECDSA on another key type: pin it.
    if (keyObject.asymmetricKeyType !== "ed25519") throw new TypeError(`not an Ed25519 key: ${keyObject.asymmetricKeyType ?? keyObject.type}`);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

/** The 64-byte Ed25519 signature of `input` with a private key. */
export function ed25519Sign(input: Uint8Array, privateKey: webcrypto.CryptoKey): Buffer {
  const signature = Buffer.allocUnsafe(sodium.crypto_sign_BYTES);
  sodium.crypto_sign_detached(signature, input, secretKey(privateKey));
  return signature;
}

/**
 * libsodium's 64-byte secret key (seed and public key) of an Ed25519 private CryptoKey, derived once
 * from its seed, in memory libsodium guards: locked against swapping to the host's disk where the
 * system allows it, zeroed when released.
 */
function secretKey(key: webcrypto.CryptoKey): Buffer {
  let secret = secretKeys.get(key);
  if (!secret) {
    const keyObject = ed25519KeyObject(key);
    if (keyObject.type !== "private") throw new TypeError("signing needs a private key");
    const seed = Buffer.from(keyObject.export({ format: "jwk" }).d!, "base64url");
    const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
    secret = sodium.sodium_malloc(sodium.crypto_sign_SECRETKEYBYTES);
    sodium.crypto_sign_seed_keypair(publicKey, secret, seed);
    seed.fill(0);
    secretKeys.set(key, secret);
  }
  return secret;
}

/** The 32 raw bytes of an Ed25519 public CryptoKey (a private key is refused: verifiers hold public keys). */
export function rawPublicKey(key: webcrypto.CryptoKey): Buffer {
  let raw = rawPublicKeys.get(key);
  if (!raw) {
    const keyObject = ed25519KeyObject(key);
    if (keyObject.type !== "public") throw new TypeError("a verifier needs a public key");
    raw = Buffer.from(keyObject.export({ format: "jwk" }).x!, "base64url");
    if (raw.length !== sodium.crypto_sign_PUBLICKEYBYTES) throw new TypeError("not a 32-byte Ed25519 public key");
    rawPublicKeys.set(key, raw);
  }
  return raw;
}

/** True when `signature` is a valid Ed25519 signature of `input` under the public key. Never throws. */
export function ed25519Verify(input: Uint8Array, signature: Uint8Array, publicKey: webcrypto.CryptoKey): boolean {
  if (signature.length !== sodium.crypto_sign_BYTES) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, input, rawPublicKey(publicKey));
  } catch {
    return false;
  }
}
