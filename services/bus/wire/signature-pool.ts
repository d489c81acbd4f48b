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

/** One verification as a worker takes it: the signing input, the 64-byte signature, the raw key. */
interface Job {
  readonly input: Buffer;
  readonly signature: Buffer;
  readonly key: Buffer;
  /** The worker's answer; undefined when it could not give one (the main thread then verifies). */
  readonly settle: (holds: boolean | undefined) => void;
}

interface Workers {
  /** Sends one batch to the next worker; every job is settled, with undefined if the worker failed. */
  run(jobs: readonly Job[]): void;
  /** Every worker has loaded and listens: a batch sent now does not wait for a thread to boot (~100–200 ms). */
  ready(): boolean;
  /** Resolves when every worker has loaded (never, if one fails first: the main thread verifies then). */
  readonly loaded: Promise<void>;
  close(): Promise<void>;
}

function startWorkers(count: number): Workers {
  const pool = Array.from({ length: Math.max(1, count) }, () => new Worker(WORKER_FILE));
  const replies = new Map<number, { resolve: (results: Uint8Array) => void; reject: (err: unknown) => void }>();
  let loaded = 0;
  let allLoaded!: () => void;
  const whenLoaded = new Promise<void>((resolve) => (allLoaded = resolve));
  for (const worker of pool) {
    worker.on("message", ({ id, results, ready }: { id: number; results: Uint8Array; ready?: true }) => {
      if (ready) return void (++loaded === pool.length && allLoaded());
      replies.get(id)?.resolve(results);
      replies.delete(id);
    });
    worker.on("error", (err) => {
      for (const reply of replies.values()) reply.reject(err);
      replies.clear();
    });
    // After the listeners: they would take a reference again, and the process's one backlog
    // check (never closed) would keep it from exiting.
    worker.unref();
  }
  let nextId = 0;
  return {
    ready: () => loaded === pool.length,
    loaded: whenLoaded,
    run(jobs) {
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
    },
    async close() {
      await Promise.all(pool.map((w) => w.terminate()));
      for (const reply of replies.values()) reply.reject(new Error("signature pool closed"));
      replies.clear();
    },
  };
}

/** The job of one verification, or undefined when it is not one a worker can take (the main thread refuses it). */
function jobOf(body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey, settle: Job["settle"]): Job | undefined {
  if (sig.header.alg !== "EdDSA") return undefined;
  let raw: Buffer;
  try {
    raw = rawPublicKey(key);
  } catch {
    return undefined; // not an Ed25519 public key: the main thread's check refuses it
  }
  const signature = Buffer.from(sig.signatureB64, "base64url");
  if (signature.length !== 64) return undefined;
  const input = Buffer.allocUnsafe(sig.protectedB64.length + 1 + body.length);
  input.write(sig.protectedB64, 0, "latin1");
  input[sig.protectedB64.length] = 0x2e;
  input.set(body, sig.protectedB64.length + 1);
  return { input, signature, key: raw, settle };
}

/** `workers`: default one per core but one (the event loop keeps the fold, nats-server the rest). */
export function createSignaturePool(workers = Math.max(1, availableParallelism() - 1)): SignaturePool {
  const pool = startWorkers(workers);
  const pending = new WeakMap<Uint8Array, Pending>();
  let batch: Job[] = [];
  let closed = false;

  const flush = () => {
    const jobs = batch;
    batch = [];
    pool.run(jobs);
  };

  const submit = (body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey) => {
    if (closed) return;
    let job: Job | undefined;
    // undefined: the worker could not answer; the main thread verifies.
    const holds = new Promise<boolean | undefined>((settle) => (job = jobOf(body, sig, key, settle)))
      .then((answer) => answer ?? verifyDetachedNative(body, sig, key));
    if (!job) return;
    batch.push(job);
    pending.set(body, { key: job.key, header: `${sig.protectedB64}.${sig.signatureB64}`, holds });
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
      await pool.close();
    },
  };
}

/**
 * Fewer verifications than this waiting at once, and none at a worker: verified on the main
 * thread (no thread hop for a message that comes alone, so latency at a low rate does not grow).
 */
export const BACKLOG_THRESHOLD = 4;

/** A verification asked for this long after the previous one came alone: verified at once, on the main thread. */
const ALONE_AFTER_MS = 1;

export type BacklogSignatureCheck = SignatureCheck & {
  /** Verifications answered so far on the main thread and by workers. */
  counts(): { mainThread: number; workers: number };
  /** Starts the workers now, not at the first backlog; resolves once they have loaded. */
  warm(): Promise<void>;
  /** Ends the workers; what is still asked is verified on the main thread. */
  close(): Promise<void>;
};

/**
 * A SignatureCheck for a subscriber: a verification that comes alone (more than a millisecond after
 * the previous one, nothing waiting, nothing at a worker) is made at once on the main thread, as
 * the native engine makes it: a message at a low rate pays nothing more. Others are gathered until
 * the next turn of the event loop; fewer than `threshold` with nothing at a worker are then verified
 * on the main thread, more go to the workers. When a backlog exists (a pull brought many messages, the
 * read-ahead filled) they go to a worker thread in batches of up to 64, the bytes transferred, one
 * batch per worker at a time: what is asked meanwhile waits and leaves as the next batch when one
 * comes back. The answer is computed over the very bytes asked about: nothing is matched later.
 * The workers start on the first backlog, and take batches once they have loaded: until then the
 * backlog is verified on the main thread, so the first backlog never waits for threads to boot (it
 * once cost the first messages of a subscriber ~200 ms). A worker that fails is answered for by the
 * main thread.
 */
export function createBacklogSignatureCheck({ workers = Math.max(1, availableParallelism() - 1), threshold = BACKLOG_THRESHOLD }: { workers?: number; threshold?: number } = {}): BacklogSignatureCheck {
  const counts = { mainThread: 0, workers: 0 };
  const lanes = Math.max(1, workers);
  let pool: Workers | undefined;
  let queue: { body: Uint8Array; sig: ParsedSignature; key: webcrypto.CryptoKey; resolve: (holds: boolean) => void }[] = [];
  /** Batches at a worker now. */
  let atWorkers = 0;
  let scheduled = false;

  const inline = (a: (typeof queue)[number]) => {
    counts.mainThread++;
    a.resolve(verifyDetachedNative(a.body, a.sig, a.key));
  };
  const flush = () => {
    scheduled = false;
    if (queue.length === 0) return;
    if (atWorkers === 0 && queue.length >= threshold) pool ??= startWorkers(lanes);
    if (atWorkers === 0 && (queue.length < threshold || !pool!.ready())) {
      const asked = queue;
      queue = [];
      asked.forEach(inline);
      return;
    }
    while (queue.length > 0 && atWorkers < lanes) {
      const asked = queue.splice(0, BATCH);
      const jobs: Job[] = [];
      let left = 0;
      const done = () => {
        if (--left > 0) return;
        atWorkers--;
        // What was asked while this batch was away leaves now.
        flush();
      };
      for (const a of asked) {
        const job = jobOf(a.body, a.sig, a.key, (answer) => {
          if (answer === undefined) return inline(a), done();
          counts.workers++;
          a.resolve(answer);
          done();
        });
        if (job) jobs.push(job);
        else inline(a);
      }
      if (jobs.length === 0) continue;
      left = jobs.length;
      atWorkers++;
      pool!.run(jobs);
    }
  };

  /** When the last verification was asked for. */
  let lastAsked = -Infinity;
  const check: SignatureCheck = (body, sig, key) => {
    const now = performance.now();
    const alone = now - lastAsked > ALONE_AFTER_MS;
    lastAsked = now;
    // A message that comes alone (none asked for in the last millisecond, none waiting, nothing at
    // a worker) is verified at once, synchronously, as the native engine does: no added latency.
    if (alone && queue.length === 0 && atWorkers === 0) {
      counts.mainThread++;
      return verifyDetachedNative(body, sig, key);
    }
    return new Promise<boolean>((resolve) => {
      queue.push({ body, sig, key, resolve });
      // While every worker has a batch, the queue waits for one to come back (see `done`).
      if (!scheduled && atWorkers < lanes) {
        scheduled = true;
        setImmediate(flush);
      }
    });
  };
  return Object.assign(check, {
    counts: () => ({ ...counts }),
    warm: () => (pool ??= startWorkers(lanes)).loaded,
    async close() {
      queue.splice(0).forEach(inline);
      await pool?.close();
      pool = undefined;
    },
  });
}
