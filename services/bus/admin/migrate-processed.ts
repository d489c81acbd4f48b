import { Kvm } from "@nats-io/kv";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Bounds } from "../../../schemas/config.js";
import { openProcessedRecord, ownerOfConsumer, PROCESSED_BUCKET, processedBucket } from "../consume/idempotency.js";
import { isStreamNotFound } from "../core/failures.js";
import type { Logger } from "../core/logger.js";
import { isRevisionConflict } from "./kv-views.js";

/** What the migration did for one owner's bucket. */
export interface OwnerMigration {
  readonly owner: string;
  readonly bucket: string;
  /** Records copied from the shared bucket. */
  readonly copied: number;
  /** Records the owner's bucket held already (written since the switch, or by an earlier run): left as they are. */
  readonly kept: number;
}

export interface ProcessedMigration {
  /** False when there is no shared bucket (never made, or removed by an earlier `deleteSource` run). */
  readonly sourceFound: boolean;
  readonly owners: readonly OwnerMigration[];
  /** Keys that name no consumer (`<consumer>.<id>`), or whose owner cannot name a bucket: not copied. */
  readonly unmigratable: readonly string[];
  /** True when the shared bucket was removed after every record had its copy. */
  readonly sourceDeleted: boolean;
}

/** A bucket name's token (nats.js and the server allow these). */
const OWNER = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Copies every record of the shared `ALLIANCE_PROCESSED` bucket (the layout before issue 11:
 * key `<consumer>.<id>`, one bucket for all owners) into its owner's `ALLIANCE_PROCESSED_<owner>`,
 * the owner taken from the consumer's name as the subscriber takes it (`ownerOfConsumer`), so a
 * subscriber upgraded across the switch does not run again the handlers of events it had handled.
 *
 * A record is written only where the owner's bucket has none for that key (a put expecting no
 * previous message, so not even a record written concurrently by a live subscriber is replaced):
 * anything there is newer than the shared bucket's copy. Idempotent: a second run copies nothing.
 * With `deleteSource`, the shared bucket, which every consumer owner could read, is removed once
 * each of its records is in its owner's bucket. The administrator's (it creates buckets).
 */
export async function migrateProcessedRecords(
  admin: { js: JetStreamClient; jsm: JetStreamManager },
  bounds: Pick<Bounds, "replicas" | "streamMaxAgeDays">,
  options: { deleteSource?: boolean; log?: Logger } = {},
): Promise<ProcessedMigration> {
  const kvm = new Kvm(admin.js);
  try {
    await admin.jsm.streams.info(`KV_${PROCESSED_BUCKET}`);
  } catch (err) {
    if (isStreamNotFound(err)) return { sourceFound: false, owners: [], unmigratable: [], sourceDeleted: false };
    throw err;
  }
  const source = await kvm.open(PROCESSED_BUCKET);
  const keys: string[] = [];
  for await (const key of await source.keys()) keys.push(key);
  keys.sort();

  const counts = new Map<string, { copied: number; kept: number }>();
  const targets = new Map<string, Awaited<ReturnType<Kvm["open"]>>>();
  const unmigratable: string[] = [];
  for (const key of keys) {
    const dot = key.indexOf(".");
    const owner = dot > 0 ? ownerOfConsumer(key.slice(0, dot)) : "";
    if (dot <= 0 || dot === key.length - 1 || !OWNER.test(owner)) {
      unmigratable.push(key);
      continue;
    }
    const entry = await source.get(key);
    if (entry === null || entry.operation !== "PUT") continue;
    let target = targets.get(owner);
    if (!target) {
      // Opening a record makes the bucket with the options every subscriber expects (one definition).
      await openProcessedRecord(admin.js, `${owner}-migration`, bounds, owner);
      target = await kvm.open(processedBucket(owner));
      targets.set(owner, target);
    }
    const count = counts.get(owner) ?? { copied: 0, kept: 0 };
    counts.set(owner, count);
    try {
      await target.put(key, entry.value, { previousSeq: 0 });
      count.copied++;
    } catch (err) {
      if (!isRevisionConflict(err)) throw err;
      count.kept++;
    }
  }
  const owners = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([owner, c]) => ({ owner, bucket: processedBucket(owner), ...c }));
  for (const o of owners) options.log?.info({ ...o }, "processed records migrated");
  let sourceDeleted = false;
  if (options.deleteSource && unmigratable.length === 0) {
    await source.destroy();
    sourceDeleted = true;
    options.log?.info({ bucket: PROCESSED_BUCKET }, "shared processed-record bucket removed");
  }
  return { sourceFound: true, owners, unmigratable, sourceDeleted };
}
