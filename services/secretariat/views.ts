import { isStreamNotFound } from "../bus/core/failures.js";
import { randomUUID } from "node:crypto";
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { Bounds } from "../../schemas/config.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Logger } from "../bus/core/logger.js";
import { retryTransient } from "../bus/core/retry.js";
import type { Change, GovState } from "./state/types.js";

/**
 * The materialised views: the governance state in JetStream KV buckets, one entry per member,
 * key ring, group, project, declaration, matter and refusal. They are a cache of the stream, never
 * a source of truth: a rebuild from the stream yields the same values (rebuild.ts).
 *
 * Writes are compare-and-set on each entry's revision, so a second secretariat writing the same
 * buckets is detected (ERR_VIEWS_CONFLICT) instead of interleaving. One event may change several
 * entries; to make that atomic, the writer first records the whole set of writes in the `meta`
 * entry (an intent: one KV write), then writes the entries, then moves `meta.lastSeq` on. A
 * writer killed in between leaves the intent, which the next start completes (`load`).
 */
export const ViewBucket = {
  members: "ALLIANCE_SEC_MEMBERS",
  keys: "ALLIANCE_SEC_KEYS",
  groups: "ALLIANCE_SEC_GROUPS",
  projects: "ALLIANCE_SEC_PROJECTS",
  declarations: "ALLIANCE_SEC_DECLARATIONS",
  governance: "ALLIANCE_SEC_GOVERNANCE",
} as const;
export type ViewBucket = (typeof ViewBucket)[keyof typeof ViewBucket];

const META_KEY = "meta";
const MODEL_KEY = "model";
const MATTER_PREFIX = "matter.";
const REFUSAL_PREFIX = "refusal.";

interface Write { readonly bucket: ViewBucket; readonly key: string; readonly value: unknown }
/**
 * `writer` names the process writing: two secretariats folding the same stream write identical
 * entries, so only this tells a second writer from our own retried write.
 */
interface Meta { readonly lastSeq: number; readonly writer: string; readonly intent?: { readonly seq: number; readonly writes: readonly Write[] } }

function writeOf(change: Change): Write {
  switch (change.collection) {
    case "model": return { bucket: ViewBucket.governance, key: MODEL_KEY, value: change.value };
    case "matters": return { bucket: ViewBucket.governance, key: `${MATTER_PREFIX}${change.key}`, value: change.value };
    case "refusals": return { bucket: ViewBucket.governance, key: `${REFUSAL_PREFIX}${change.key}`, value: change.value };
    default: return { bucket: ViewBucket[change.collection], key: change.key, value: change.value };
  }
}

/** Every entry of a state, as writes: how a new store is seeded with the founding state. */
function writesOf(state: GovState): Write[] {
  const changes: Change[] = [{ collection: "model", key: "current", value: state.model }];
  for (const collection of ["members", "keys", "matters", "groups", "projects", "declarations", "refusals"] as const) {
    for (const [key, value] of Object.entries(state[collection])) changes.push({ collection, key, value });
  }
  return changes.map(writeOf);
}

/** Puts an entry into the state it was read from; `meta` is handled by the caller. */
function place(state: GovState, bucket: string, key: string, value: unknown): void {
  if (bucket === ViewBucket.governance) {
    if (key === MODEL_KEY) state.model = value as GovState["model"];
    else if (key.startsWith(MATTER_PREFIX)) state.matters[key.slice(MATTER_PREFIX.length)] = value as GovState["matters"][string];
    else if (key.startsWith(REFUSAL_PREFIX)) state.refusals[key.slice(REFUSAL_PREFIX.length)] = value as GovState["refusals"][string];
    return;
  }
  const collection = (Object.keys(ViewBucket) as (keyof typeof ViewBucket)[]).find((c) => ViewBucket[c] === bucket);
  if (collection && collection !== "governance") (state[collection] as Record<string, unknown>)[key] = value;
}

function emptyState(): GovState {
  return { lastSeq: 0, members: {}, keys: {}, matters: {}, model: { adopted: null }, groups: {}, projects: {}, declarations: {}, refusals: {} };
}

const encoder = new TextEncoder();

interface Snapshot { readonly meta: Meta | undefined; readonly metaRevision: number; readonly state: GovState; readonly revisions: Map<string, number> }

/**
 * The keys of a bucket, from the stream's subject counts: no consumer is created, so an identity
 * allowed only to read and write its buckets (docs/security.md) can list them.
 */
async function listKeys(jsm: JetStreamManager, bucket: ViewBucket): Promise<string[]> {
  const prefix = `$KV.${bucket}.`;
  const info = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}>` });
  return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length)).sort();
}

async function readAll(buckets: ReadonlyMap<ViewBucket, KV>, jsm: JetStreamManager): Promise<Snapshot> {
  const state = emptyState();
  const revisions = new Map<string, number>();
  let meta: Meta | undefined;
  let metaRevision = 0;
  for (const [bucket, kv] of buckets) {
    for (const key of await listKeys(jsm, bucket)) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== "PUT") continue;
      revisions.set(`${bucket}/${key}`, entry.revision);
      if (bucket === ViewBucket.governance && key === META_KEY) {
        meta = entry.json<Meta>();
        metaRevision = entry.revision;
      } else {
        place(state, bucket, key, entry.json());
      }
    }
  }
  return { meta, metaRevision, state, revisions };
}

function overlay(state: GovState, meta: Meta): void {
  for (const w of meta.intent?.writes ?? []) place(state, w.bucket, w.key, w.value);
  state.lastSeq = meta.intent?.seq ?? meta.lastSeq;
}

async function openBuckets(js: JetStreamClient, replicas: Bounds["replicas"] | undefined): Promise<Map<ViewBucket, KV> | undefined> {
  const kvm = new Kvm(js);
  const buckets = new Map<ViewBucket, KV>();
  for (const bucket of Object.values(ViewBucket)) {
    if (replicas === undefined) {
      // Only a missing bucket means "never ran": a refusal (a member without read access) is not that.
      const exists = await kvm.open(bucket, { bindOnly: true }).then(async (kv) => (await kv.status(), kv)).catch((err: unknown) => {
        if (isStreamNotFound(err)) return undefined;
        throw err;
      });
      if (!exists) return undefined;
      buckets.set(bucket, exists);
    } else {
      // History 1: the stream is the history; the views only hold the present.
      buckets.set(bucket, await kvm.create(bucket, { history: 1, replicas }));
    }
  }
  return buckets;
}

/**
 * The views as stored now, with an unfinished intent applied: the state after `lastSeq`.
 * Undefined when the secretariat has never run. Read while the service writes, it retries until
 * `meta` did not move during the read.
 */
export async function readViews(js: JetStreamClient): Promise<GovState | undefined> {
  const buckets = await openBuckets(js, undefined);
  if (!buckets) return undefined;
  const jsm = await js.jetstreamManager();
  const governance = buckets.get(ViewBucket.governance)!;
  for (;;) {
    const before = await governance.get(META_KEY);
    const snapshot = await readAll(buckets, jsm);
    if (!snapshot.meta) return undefined;
    const after = await governance.get(META_KEY);
    if (before?.revision !== snapshot.metaRevision || after?.revision !== snapshot.metaRevision) continue;
    overlay(snapshot.state, snapshot.meta);
    return snapshot.state;
  }
}

export interface ViewStore {
  /** The stored state (completing an interrupted write first), or undefined for a new store. */
  load(): Promise<GovState | undefined>;
  /** Seeds a new store with a state (the founding one) at its `lastSeq`. */
  initialise(state: GovState): Promise<void>;
  /** Records the changes of the message at `seq` and moves `lastSeq` to it, atomically. */
  write(seq: number, changes: readonly Change[]): Promise<void>;
}

/** Opens (creating if needed) the view buckets for the one secretariat that writes them. */
export async function openViewStore(
  js: JetStreamClient,
  bounds: Pick<Bounds, "replicas">,
  log: Logger,
  faults?: { afterIntentWritten?(seq: number): Promise<void> | void },
): Promise<ViewStore> {
  const buckets = (await openBuckets(js, bounds.replicas))!;
  const jsm = await js.jetstreamManager();
  let revisions = new Map<string, number>();
  let lastSeq = 0;
  const writer = randomUUID();

  const casPut = async (bucket: ViewBucket, key: string, value: unknown): Promise<void> => {
    const kv = buckets.get(bucket)!;
    const text = JSON.stringify(value);
    const id = `${bucket}/${key}`;
    try {
      await retryTransient(
        async () => {
          const expected = revisions.get(id);
          revisions.set(id, expected === undefined ? await kv.create(key, encoder.encode(text)) : await kv.update(key, encoder.encode(text), expected));
        },
        { deadlineMs: 60_000, onRetry: (err, attempt) => log.warn({ bucket, key, attempt, err: (err as Error).message }, "view write not acknowledged; retrying") },
      );
    } catch (err) {
      if (!isCasFailure(err)) throw err;
      // A refused compare-and-set after a lost acknowledgement is our own earlier attempt.
      const current = await kv.get(key).catch(() => null);
      if (current && current.operation === "PUT" && current.string() === text) {
        revisions.set(id, current.revision);
        return;
      }
      const expected = revisions.get(id);
      throw new AllianceError(ErrorCode.ViewsConflict, `view ${id} changed under the secretariat (expected revision ${expected ?? "none"}): is another secretariat running? ${(err as Error).message}`, { cause: err });
    }
  };

  const writeAll = async (seq: number, writes: readonly Write[]) => {
    if (writes.length > 0) {
      await casPut(ViewBucket.governance, META_KEY, { lastSeq, writer, intent: { seq, writes } } satisfies Meta);
      await faults?.afterIntentWritten?.(seq);
      for (const w of writes) await casPut(w.bucket, w.key, w.value);
    }
    await casPut(ViewBucket.governance, META_KEY, { lastSeq: seq, writer } satisfies Meta);
    lastSeq = seq;
  };

  return {
    async load() {
      const snapshot = await readAll(buckets, jsm);
      revisions = snapshot.revisions;
      if (!snapshot.meta) return undefined;
      lastSeq = snapshot.meta.lastSeq;
      const intent = snapshot.meta.intent;
      if (intent) {
        log.warn({ seq: intent.seq, writes: intent.writes.length }, "completing the view writes of an interrupted run");
        await writeAll(intent.seq, intent.writes);
      }
      overlay(snapshot.state, snapshot.meta);
      return snapshot.state;
    },
    async initialise(state) {
      await writeAll(state.lastSeq, writesOf(state));
    },
    async write(seq, changes) {
      await writeAll(seq, changes.map(writeOf));
    },
  };
}

/** The server refused a write because the entry's revision was not the one expected. */
function isCasFailure(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown;
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}
