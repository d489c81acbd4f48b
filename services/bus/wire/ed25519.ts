import { KeyObject, sign, type webcrypto } from "node:crypto";
import sodium from "sodium-native";

/**
 * Ed25519 arithmetic, on keys converted once per CryptoKey: signing with node:crypto's one-shot
 * sign, verifying with libsodium (sodium-native), which does it about 1.8x faster than OpenSSL here
 * and is stricter: it also refuses small-order public keys and points. jose (WebCrypto) stays the
 * owner of key import and of the JOSE format, and remains the reference the tests hold this to;
 * WebCrypto runs each operation behind a promise and a thread-pool job (docs/performance.md).
 */
const keyObjects = new WeakMap<webcrypto.CryptoKey, KeyObject>();
const rawPublicKeys = new WeakMap<webcrypto.CryptoKey, Buffer>();

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
  return sign(null, input, ed25519KeyObject(privateKey));
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
