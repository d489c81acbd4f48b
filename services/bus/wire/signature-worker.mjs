// Ed25519 verifications of one batch, off the main thread (signature-pool.ts). Plain JavaScript, so
// that a worker needs no TypeScript loader. Each job in the buffer: u32 input length, the signing
// input, the 64-byte signature, the 32-byte public key. Answers one byte per job: 1 holds, 0 not.
import { parentPort } from "node:worker_threads";
import sodium from "sodium-native";

parentPort.on("message", ({ id, count, buffer }) => {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const results = new Uint8Array(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(at, true);
    at += 4;
    const input = bytes.subarray(at, at + length);
    at += length;
    const signature = bytes.subarray(at, at + 64);
    at += 64;
    const publicKey = bytes.subarray(at, at + 32);
    at += 32;
    try {
      results[i] = sodium.crypto_sign_verify_detached(signature, input, publicKey) ? 1 : 0;
    } catch {
      results[i] = 0;
    }
  }
  parentPort.postMessage({ id, results }, [results.buffer]);
});
// Loaded and listening: the pool may hand this worker a batch without it waiting for the thread to boot.
parentPort.postMessage({ ready: true });
