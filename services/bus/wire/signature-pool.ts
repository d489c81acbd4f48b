import type { webcrypto } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { rawPublicKey } from "./ed25519.js";
import { verifyDetachedNative, type ParsedSignature } from "./jws.js";
import type { SignatureCheck } from "./verify.js";

/**
 * Ed25519 verification on worker threads, for readers that know their messages ahead of judging
 * them (a rebuild, an audit): `submit` each message as it is read, then let the verifier (its
 * `engine: pool.check`) find the answer when the fold reaches it. Only the arithmetic moves off
 * the event loop; the verifier still runs every check in its order, and `check` answers from the
 * pool only for the very body (by identity) and the very key (by raw bytes) it was submitted with,
 * verifying on the main thread otherwise. Batches of BATCH leave together, bytes transferred, not
 * copied twice.
 */
export interface SignaturePool {
  /** Starts verifying `sig` over `body` under `key` on a worker. */
  submit(body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey): void;
  readonly check: SignatureCheck;
  /** Ends the workers; answers not yet given are computed on the main thread. */
  close(): Promise<void>;
}

const BATCH = 64;
const WORKER_FILE = new URL("./signature-worker.mjs", import.meta.url);

interface Pending {
  readonly key: Buffer;
  /** The signature header's two parts as submitted: the answer is for these only. */
  readonly header: string;
  readonly holds: Promise<boolean>;
}

/** `workers`: default one per core but one (the event loop keeps the fold, nats-server the rest). */
export function createSignaturePool(workers = Math.max(1, availableParallelism() - 1)): SignaturePool {
  const pool = Array.from({ length: Math.max(1, workers) }, () => {
    const worker = new Worker(WORKER_FILE);
    worker.unref();
    return worker;
  });
  const replies = new Map<number, { resolve: (results: Uint8Array) => void; reject: (err: unknown) => void }>();
  for (const worker of pool) {
    worker.on("message", ({ id, results }: { id: number; results: Uint8Array }) => {
      replies.get(id)?.resolve(results);
      replies.delete(id);
    });
    worker.on("error", (err) => {
      for (const reply of replies.values()) reply.reject(err);
      replies.clear();
    });
  }
  const pending = new WeakMap<Uint8Array, Pending>();
  let batch: { input: Buffer; signature: Buffer; key: Buffer; settle: (holds: boolean | undefined) => void }[] = [];
  let nextId = 0;
  let closed = false;

  const flush = () => {
    const jobs = batch;
    batch = [];
    if (jobs.length === 0) return;
    const size = jobs.reduce((n, j) => n + 4 + j.input.length + 64 + 32, 0);
    const buffer = new ArrayBuffer(size);
    const bytes = new Uint8Array(buffer);
    const view = new DataView(buffer);
    let at = 0;
    for (const job of jobs) {
      view.setUint32(at, job.input.length, true);
      bytes.set(job.input, at + 4);
      at += 4 + job.input.length;
      bytes.set(job.signature, at);
      bytes.set(job.key, at + 64);
      at += 96;
    }
    const id = nextId++;
    new Promise<Uint8Array>((resolve, reject) => {
      replies.set(id, { resolve, reject });
      pool[id % pool.length]!.postMessage({ id, count: jobs.length, buffer }, [buffer]);
    }).then(
      (results) => jobs.forEach((job, i) => job.settle(results[i] === 1)),
      () => jobs.forEach((job) => job.settle(undefined)),
    );
  };

  const submit = (body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey) => {
    if (closed || sig.header.alg !== "EdDSA") return;
    let raw: Buffer;
    try {
      raw = rawPublicKey(key);
    } catch {
      return; // not an Ed25519 public key: the main thread's check refuses it
    }
    const signature = Buffer.from(sig.signatureB64, "base64url");
    if (signature.length !== 64) return;
    const input = Buffer.allocUnsafe(sig.protectedB64.length + 1 + body.length);
    input.write(sig.protectedB64, 0, "latin1");
    input[sig.protectedB64.length] = 0x2e;
    input.set(body, sig.protectedB64.length + 1);
    // undefined: the worker could not answer; the main thread verifies.
    const holds = new Promise<boolean | undefined>((settle) => batch.push({ input, signature, key: raw, settle }))
      .then((answer) => answer ?? verifyDetachedNative(body, sig, key));
    pending.set(body, { key: raw, header: `${sig.protectedB64}.${sig.signatureB64}`, holds });
    if (batch.length >= BATCH) flush();
    else if (batch.length === 1) setImmediate(flush);
  };

  return {
    submit,
    check(body, sig, key) {
      const entry = pending.get(body);
      if (entry) {
        pending.delete(body);
        // The same body, signed with the header submitted, under the same key bytes: the pool's answer.
        let raw: Buffer | undefined;
        try {
          raw = rawPublicKey(key);
        } catch {
          raw = undefined;
        }
        if (raw && raw.equals(entry.key) && entry.header === `${sig.protectedB64}.${sig.signatureB64}`) return entry.holds;
      }
      return verifyDetachedNative(body, sig, key);
    },
    async close() {
      closed = true;
      flush();
      await Promise.all(pool.map((w) => w.terminate()));
      for (const reply of replies.values()) reply.reject(new Error("signature pool closed"));
      replies.clear();
    },
  };
}
