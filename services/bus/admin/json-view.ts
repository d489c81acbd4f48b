import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { retryTransient } from "../core/retry.js";

/**
 * A JetStream KV bucket of JSON documents, for views folded from the streams (v1.1 tracking):
 * a cache that a rebuild from the streams reproduces, never a source of truth. Domain services
 * get this interface, not a KV client.
 */
export interface JsonView {
  put(key: string, value: unknown): Promise<void>;
  get<T>(key: string): Promise<T | undefined>;
  /** Every key and value under `prefix.` (all when no prefix is given). */
  entries<T>(prefix?: string): Promise<[string, T][]>;
}

export interface OpenJsonViewOptions {
  readonly replicas: number;
  /**
   * Create the bucket if it is missing (the administrator provisions it); otherwise bind to an
   * existing one, which is all a member or the monitor may do.
   */
  readonly create?: boolean;
}

const encoder = new TextEncoder();
const RETRY = { deadlineMs: 30_000 };

export async function openJsonView(js: JetStreamClient, jsm: JetStreamManager, bucket: string, { replicas, create = false }: OpenJsonViewOptions): Promise<JsonView> {
  const kvm = new Kvm(js);
  const kv: KV = await retryTransient(() => (create ? kvm.create(bucket, { history: 1, replicas }) : kvm.open(bucket, { bindOnly: true })), RETRY);
  if (create) await refuseRollups(jsm, `KV_${bucket}`);
  const prefixOf = `$KV.${bucket}.`;
  return {
    async put(key, value) {
      await retryTransient(() => kv.put(key, encoder.encode(JSON.stringify(value))), RETRY);
    },
    async get<T>(key: string) {
      const entry = await retryTransient(() => kv.get(key), RETRY);
      return entry && entry.operation === "PUT" ? entry.json<T>() : undefined;
    },
    async entries<T>(prefix?: string) {
      // Keys from the stream's subject counts: no consumer, so a read-only identity can list them.
      const filter = `${prefixOf}${prefix ? `${prefix}.>` : ">"}`;
      const info = await retryTransient(() => jsm.streams.info(`KV_${bucket}`, { subjects_filter: filter }), RETRY);
      const out: [string, T][] = [];
      for (const key of Object.keys(info.state.subjects ?? {}).map((s) => s.slice(prefixOf.length)).sort()) {
        const entry = await retryTransient(() => kv.get(key), RETRY);
        if (entry && entry.operation === "PUT") out.push([key, entry.json<T>()]);
      }
      return out;
    },
  };
}

/**
 * A KV bucket's stream takes rollup headers, and `Nats-Rollup: all` on any one subject purges the
 * whole stream: in a bucket several identities write (the members' tracking views, each its own
 * keys), one writer could erase everyone's (test/integration/attack-kv-rollup.test.ts). A view is
 * only ever put, never purged, so its bucket refuses rollups; an existing bucket is changed when
 * the administrator opens it with `create`.
 */
async function refuseRollups(jsm: JetStreamManager, stream: string): Promise<void> {
  const info = await retryTransient(() => jsm.streams.info(stream), RETRY);
  if (info.config.allow_rollup_hdrs === false) return;
  await retryTransient(() => jsm.streams.update(stream, { ...info.config, allow_rollup_hdrs: false }), RETRY);
}
