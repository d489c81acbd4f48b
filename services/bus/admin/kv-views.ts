import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { isStreamNotFound } from "../core/failures.js";
import { Kvm, type KV } from "@nats-io/kv";

/** One stored entry of a bucket, as the views read it. */
export interface KvViewEntry {
  readonly revision: number;
  readonly operation: "PUT" | "DEL" | "PURGE";
  json<T>(): T;
  string(): string;
}

/**
 * A JetStream KV bucket as the secretariat's views use it: reads, and writes that are
 * compare-and-set on the entry's revision (`create` for a new key, `update` for a known one).
 */
export interface KvView {
  readonly bucket: string;
  get(key: string): Promise<KvViewEntry | null>;
  /** Writes a key that must not exist yet; the new revision. */
  create(key: string, value: Uint8Array): Promise<number>;
  /** Writes a key whose current revision must be `revision`; the new revision. */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  /**
   * The bucket's keys, sorted, from the stream's subject counts: no consumer is created, so an
   * identity allowed only to read and write its buckets (docs/security.md) can list them.
   */
  keys(): Promise<string[]>;
}

export interface KvViewCreate {
  readonly history: number;
  readonly replicas: number;
}

const managers = new WeakMap<JetStreamClient, Promise<JetStreamManager>>();
function managerOf(js: JetStreamClient): Promise<JetStreamManager> {
  let jsm = managers.get(js);
  if (!jsm) {
    jsm = js.jetstreamManager();
    managers.set(js, jsm);
    // A failed handle is not kept: the next read asks again.
    jsm.catch(() => managers.delete(js));
  }
  return jsm;
}

function view(js: JetStreamClient, bucket: string, kv: KV): KvView {
  return {
    bucket,
    get: (key) => kv.get(key),
    create: (key, value) => kv.create(key, value),
    update: (key, value, revision) => kv.update(key, value, revision),
    async keys() {
      const prefix = `$KV.${bucket}.`;
      const info = await (await managerOf(js)).streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}>` });
      return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length)).sort();
    },
  };
}

/** Creates the bucket if it does not exist (an existing one is used as it is). */
export async function createKvView(js: JetStreamClient, bucket: string, options: KvViewCreate): Promise<KvView> {
  return view(js, bucket, await new Kvm(js).create(bucket, { history: options.history, replicas: options.replicas }));
}

/** An existing bucket, or undefined when there is none (or it cannot be read). */
export async function openKvView(js: JetStreamClient, bucket: string): Promise<KvView | undefined> {
  // Only a missing bucket is "not there": a refusal (no read access) is passed on as what it is.
  const kv = await new Kvm(js).open(bucket, { bindOnly: true }).then(async (kv) => (await kv.status(), kv)).catch((err: unknown) => {
    if (isStreamNotFound(err)) return undefined;
    throw err;
  });
  return kv ? view(js, bucket, kv) : undefined;
}

/** The server refused a write because the entry's revision was not the one expected. */
export function isRevisionConflict(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown;
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}
