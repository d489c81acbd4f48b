import { generateKeyPairSync, sign, verify, type webcrypto } from "node:crypto";
import { Worker } from "node:worker_threads";
import { exportJWK, importJWK } from "jose";
import sodium from "sodium-native";
import { parseSignatureHeader, signDetached, signDetachedNative, verifyDetached, verifyDetachedNative } from "../services/bus/wire/jws.js";
import { rawBody } from "./payload.js";

/** One way of doing one operation: how many per second, and what each costs the main thread and the process. */
export interface CryptoReading {
  readonly name: string;
  readonly opsPerSec: number;
  /** Main event-loop time per operation: what a subscriber's single JavaScript thread pays. */
  readonly mainThreadUsPerOp: number;
  /** CPU per operation over the whole process, worker threads included. */
  readonly cpuUsPerOp: number;
}

async function reading(name: string, count: number, run: () => Promise<void>): Promise<CryptoReading> {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    name,
    opsPerSec: (count / wallMs) * 1000,
    mainThreadUsPerOp: (performance.eventLoopUtilization(elu).active * 1000) / count,
    cpuUsPerOp: (used.user + used.system) / count,
  };
}

/**
 * Ed25519 on this machine, one ~1 KiB bulletin at a time: jose (WebCrypto) awaited one by one,
 * node:crypto one-shot, libsodium, and libsodium on a worker thread fed in batches of 64.
 */
export async function measureCrypto(count: number): Promise<CryptoReading[]> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privateCryptoKey = (await importJWK(await exportJWK(privateKey), "EdDSA")) as webcrypto.CryptoKey;
  const publicCryptoKey = (await importJWK(await exportJWK(publicKey), "EdDSA")) as webcrypto.CryptoKey;
  const kid = "fr:bench";
  const bodies = Array.from({ length: count }, () => rawBody().body);
  const headers = bodies.map((body) => signDetachedNative(body, kid, privateCryptoKey));
  const parsed = headers.map((h) => {
    const p = parseSignatureHeader(h);
    if (!p.ok) throw new Error(`bench: own signature refused: ${p.detail}`);
    return p.value;
  });
  const inputs = bodies.map((body, i) => Buffer.concat([Buffer.from(`${parsed[i]!.protectedB64}.`), body]));
  const signatures = parsed.map((p) => Buffer.from(p.signatureB64, "base64url"));
  const rawPublicKey = Buffer.from((await exportJWK(publicKey)).x!, "base64url");
  const check = (ok: boolean) => {
    if (!ok) throw new Error("bench: a valid signature did not verify");
  };

  const readings = [
    await reading("sign, jose (awaited one at a time)", count, async () => {
      for (const body of bodies) await signDetached(body, kid, privateCryptoKey);
    }),
    await reading("sign, node:crypto one-shot", count, async () => {
      for (const input of inputs) sign(null, input, privateKey);
    }),
    await reading("sign, libsodium (the bus)", count, async () => {
      for (const body of bodies) signDetachedNative(body, kid, privateCryptoKey);
    }),
    await reading("verify, jose (awaited one at a time)", count, async () => {
      for (let i = 0; i < count; i++) check(await verifyDetached(bodies[i]!, parsed[i]!, publicCryptoKey));
    }),
    await reading("verify, jose (all in flight)", count, async () => {
      (await Promise.all(bodies.map((body, i) => verifyDetached(body, parsed[i]!, publicCryptoKey)))).forEach(check);
    }),
    await reading("verify, node:crypto one-shot", count, async () => {
      for (let i = 0; i < count; i++) check(verify(null, inputs[i]!, publicKey, signatures[i]!));
    }),
    await reading("verify, libsodium (the bus)", count, async () => {
      for (let i = 0; i < count; i++) check(verifyDetachedNative(bodies[i]!, parsed[i]!, publicCryptoKey));
    }),
  ];
  const worker = new Worker(new URL("./verify-worker.mjs", import.meta.url));
  try {
    readings.push(await reading("verify, libsodium on a worker thread, batches of 64", count, async () => {
      const replies = new Map<number, (results: Uint8Array) => void>();
      worker.on("message", ({ id, results }: { id: number; results: Uint8Array }) => replies.get(id)?.(results));
      const batches: Promise<Uint8Array>[] = [];
      for (let start = 0, id = 0; start < count; start += 64, id++) {
        batches.push(new Promise((resolve) => replies.set(id, resolve)));
        const jobs = inputs.slice(start, start + 64).map((input, j) => ({ input, signature: signatures[start + j]!, publicKey: rawPublicKey }));
        worker.postMessage({ id, jobs });
      }
      for (const results of await Promise.all(batches)) results.forEach((r) => check(r === 1));
    }));
  } finally {
    await worker.terminate();
  }
  // Keep the comparison honest: node:crypto signs what libsodium and jose verify.
  check(sodium.crypto_sign_verify_detached(sign(null, inputs[0]!, privateKey), inputs[0]!, rawPublicKey));
  return readings;
}
