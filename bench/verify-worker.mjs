// The bench's worker for "verify on worker threads": libsodium verifications of a batch, off the main thread.
import { parentPort } from "node:worker_threads";
import sodium from "sodium-native";

parentPort.on("message", ({ id, jobs }) => {
  const results = new Uint8Array(jobs.length);
  for (let i = 0; i < jobs.length; i++) results[i] = sodium.crypto_sign_verify_detached(jobs[i].signature, jobs[i].input, jobs[i].publicKey) ? 1 : 0;
  parentPort.postMessage({ id, results });
});
