import type { AllianceConfig } from "../../schemas/config.js";
import { createKvView } from "../bus/admin/kv-views.js";
import { ensureConsumer } from "../bus/admin/consumer.js";
import { allowDirectReadsOfSingleReplica, limitBucketBytes } from "../bus/admin/streams.js";
import { openProcessedRecord, processedBucket } from "../bus/consume/idempotency.js";
import { Quotas } from "../../schemas/quotas.js";
import type { Logger } from "../bus/core/logger.js";
import type { JetStreamClient, JetStreamManager } from "../bus/core/nats-types.js";
import { streamForChannel } from "../bus/wire/subjects.js";

export interface ProvisionedConsumer {
  readonly stream: string;
  readonly name: string;
  readonly owner: string;
}

/**
 * What the administrator provisions besides the five streams, because no other identity may
 * create streams or consumers: each consumer owner's processed-id bucket, the secretariat's buckets,
 * and every consumer declared in `access.consumers` (pull, explicit ack, the config's delivery
 * settings — the same settings `subscribe` asks for, so a member's subscriber finds it as it
 * wants it). Idempotent; an existing consumer keeps its position.
 */
export async function provisionAccess(
  admin: { js: JetStreamClient; jsm: JetStreamManager },
  config: Pick<AllianceConfig, "access" | "bounds" | "subscriber"> & { readonly quotas?: Quotas },
  log: Logger,
  /** Which declared consumers to create now (default all); every owner's bucket is made regardless. */
  only: (consumer: AllianceConfig["access"]["consumers"][number]) => boolean = () => true,
): Promise<ProvisionedConsumer[]> {
  // Opening a record creates its bucket with the options every subscriber expects: one bucket per
  // owner of declared consumers (members may not create streams, so they cannot make their own).
  for (const owner of new Set(config.access.consumers.map((c) => c.owner))) {
    await openProcessedRecord(admin.js, `${owner}-provisioning`, config.bounds, owner);
    // Each owner's records within a limit of its own (quotas.processedBucketMaxBytes): an owner
    // writing junk keys there fills its own bucket only, never the account (docs/security.md).
    await limitBucketBytes(admin.jsm, processedBucket(owner), (config.quotas ?? Quotas.parse({})).processedBucketMaxBytes);
    await allowDirectReadsOfSingleReplica(admin.jsm, processedBucket(owner));
  }
  for (const bucket of config.access.secretariatBuckets) {
    await createKvView(admin.js, bucket, { history: 1, replicas: config.bounds.replicas });
  }
  const provisioned: ProvisionedConsumer[] = [];
  for (const declared of config.access.consumers.filter(only)) {
    for (const channel of declared.channels) {
      const stream = streamForChannel(channel);
      await ensureConsumer(admin.jsm, { stream, durable: declared.name, startFrom: declared.startFrom, settings: config.subscriber });
      provisioned.push({ stream, name: declared.name, owner: declared.owner });
      log.info({ stream, consumer: declared.name, owner: declared.owner }, "consumer provisioned");
    }
  }
  return provisioned;
}
