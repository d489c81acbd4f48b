import type { AllianceConfig } from "../../schemas/config.js";
import { kindsPublishableBy } from "../../schemas/governance/common.js";
import { Channel, GOVERNANCE_CHANNEL, PriorityKind, SECRETARIAT_CODE } from "../../schemas/protocol.js";
import { processedBucket } from "../bus/consume/idempotency.js";
import { TRACKING_BUCKET, trackingViewSubjects } from "../tracking/bucket.js";
import { quarantineWriterSubjects, StreamName, streamForChannel, SUBJECT_ROOT } from "../bus/wire/subjects.js";
import { IdentityKind, inboxPrefix, listIdentities, readerNames, type Identity } from "./identities.js";
import { ADMIN_ONLY_API, JsApi, JsEvents, Kv } from "./jsapi.js";
import { ViewBucket } from "../secretariat/views.js";

export interface SubjectRules {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** What one NATS user may publish and subscribe to, as the server config states it. */
export interface UserPermissions {
  readonly publish: SubjectRules;
  readonly subscribe: SubjectRules;
}

export interface IdentityPermissions {
  readonly identity: Identity;
  /** Undefined for the system account's user: it is confined by its account instead. */
  readonly permissions?: UserPermissions;
}

type Config = Pick<AllianceConfig, "members" | "access">;

/**
 * The permissions of every identity, generated from config alone (never hand-written). Pure.
 * Least privilege: each list names the subjects its identity's code actually uses, nothing more;
 * the operations reserved to the administrator are also denied explicitly.
 */
export function generatePermissions(config: Config): IdentityPermissions[] {
  return listIdentities(config).map((identity) => ({ identity, ...(identity.kind === IdentityKind.System ? {} : { permissions: permissionsOf(identity, config) }) }));
}

export function permissionsOf(identity: Identity, config: Config): UserPermissions {
  switch (identity.kind) {
    case IdentityKind.Member:
    case IdentityKind.Secretariat:
      return participantPermissions(identity.name, config);
    case IdentityKind.Monitor:
      return monitorPermissions(identity.name);
    case IdentityKind.Admin:
      return {
        publish: { allow: [JsApi.all], deny: [] },
        subscribe: { allow: [`${inboxPrefix(identity.name)}.>`, JsEvents.all], deny: [] },
      };
    case IdentityKind.System:
      throw new Error("the system account's user has no alliance permissions");
  }
}

/** The streams a member (or the secretariat) may read: its channels, and quarantine if allowed. */
export function readableStreams(name: string, config: Config): string[] {
  const channels = name === SECRETARIAT_CODE ? Channel.options : (config.access.channels[name] ?? Channel.options);
  const streams: string[] = channels.map(streamForChannel);
  if (mayReadQuarantine(name, config)) streams.push(StreamName.quarantine);
  return streams;
}

export function mayReadQuarantine(name: string, config: Config): boolean {
  return name === SECRETARIAT_CODE || config.access.quarantineReaders.includes(name);
}

/** The reader-consumer names an identity may create on `stream`; none for most members. */
export function readerNamesFor(name: string, stream: string, config: Config): string[] {
  const trusted = config.access.readers.includes(name);
  // A quarantine reader needs a consumer to read it with: the config that lets it read quarantine
  // lets it create reader consumers there, and only there.
  const quarantineOnly = stream === StreamName.quarantine && mayReadQuarantine(name, config);
  return trusted || quarantineOnly ? readerNames(name, config.access.readerSlots) : [];
}

function participantPermissions(name: string, config: Config): UserPermissions {
  // The wire protocol's rule: an origin publishes only under its own code, on each channel named
  // (not `alliance.*.<code>.>`, whose wildcard would also match the quarantine subjects, per
  // docs/protocol.md §1). The secretariat publishes governance events only.
  const channels = name === SECRETARIAT_CODE ? [GOVERNANCE_CHANNEL] : Channel.options;
  // Each kind is named: with `.>` a member could spread a flood over endless subjects, and the
  // streams' per-subject quotas (docs/security.md, "Quotas") would bound nothing.
  // On the governance channel, only the kinds its identity may perform (SECRETARIAT_KIND_ACTOR):
  // a member storing secretariat kinds would only add junk the secretariat must refuse.
  const governanceKinds = kindsPublishableBy(name === SECRETARIAT_CODE ? "secretariat" : "member");
  const kindsOf = (channel: Channel): readonly string[] => (channel === GOVERNANCE_CHANNEL ? governanceKinds : PriorityKind.options);
  const publish = new Set<string>([
    ...channels.flatMap((channel) => kindsOf(channel).map((kind) => `${SUBJECT_ROOT}.${channel}.${name}.${kind}`)),
    // Every subscriber copies what it rejects to quarantine (docs/protocol.md §7), under its own
    // code only: the subject names the writer of every entry, and no identity can write, or
    // suppress by de-duplication, under another's prefix.
    ...quarantineWriterSubjects(name),
    JsApi.info,
    // v1.1 tracking views (services/tracking): each participant writes its own three keys only
    // (with `<code>.>` it could fill the account's storage with keys of its choosing).
    ...trackingViewSubjects(name),
  ]);
  const streams = readableStreams(name, config);
  // Stream info answers per-subject counts (who published how much) to a subject filter in the
  // request body, which permissions cannot see: a member gets it only for the governance record,
  // which it reads whole anyway (its live key directory needs the last sequence). The secretariat,
  // run by the host, gets it for every stream it reads.
  for (const stream of streams) {
    if (name === SECRETARIAT_CODE || stream === streamForChannel(GOVERNANCE_CHANNEL)) publish.add(JsApi.streamInfo(stream));
  }

  // Declared consumers: the administrator creates them; the owner reads and acks, nothing more.
  const owned = config.access.consumers.filter((c) => c.owner === name);
  for (const consumer of owned) {
    for (const channel of consumer.channels) {
      const stream = streamForChannel(channel);
      publish.add(JsApi.consumerInfo(stream, consumer.name)).add(JsApi.consumerNext(stream, consumer.name)).add(JsApi.ack(stream, consumer.name));
    }
  }
  // The record of handled ids (services/bus/consume/idempotency.ts) is a bucket of the owner's own,
  // `ALLIANCE_PROCESSED_<owner>`: reads (by the leader, request in the body), key listings and
  // counts of it show the owner its own consumers' records and nobody else's.
  if (owned.length > 0) {
    const bucket = processedBucket(name);
    const stream = Kv.streamName(bucket);
    publish.add(JsApi.streamInfo(stream)).add(JsApi.msgGet(stream));
    for (const consumer of owned) publish.add(Kv.keys(bucket, consumer.name)).add(JsApi.directGetLast(stream, Kv.keys(bucket, consumer.name)));
  }

  // Reader consumers: short-lived, created and deleted by their owner, from a fixed pool of names.
  for (const stream of streams) {
    for (const reader of readerNamesFor(name, stream, config)) {
      for (const subject of JsApi.consumerCreate(stream, reader)) publish.add(subject);
      publish.add(JsApi.consumerInfo(stream, reader)).add(JsApi.consumerNext(stream, reader)).add(JsApi.consumerDelete(stream, reader)).add(JsApi.ack(stream, reader));
    }
  }

  if (name === SECRETARIAT_CODE) {
    // The governance record is the secretariat's to fold, rebuild and follow (ordered consumers,
    // server-named readers, its own durable): consumers of any name on that stream, and no other.
    const governance = streamForChannel(GOVERNANCE_CHANNEL);
    publish.add(`$JS.API.CONSUMER.CREATE.${governance}`);
    for (const subject of JsApi.consumerCreate(governance, "*")) publish.add(subject);
    publish.add(JsApi.consumerInfo(governance, "*")).add(JsApi.consumerNext(governance, "*")).add(JsApi.consumerDelete(governance, "*")).add(JsApi.ack(governance, "*"));
    for (const bucket of config.access.secretariatBuckets) {
      const stream = Kv.streamName(bucket);
      publish.add(Kv.allKeys(bucket)).add(JsApi.streamInfo(stream)).add(JsApi.directGetLast(stream, Kv.allKeys(bucket))).add(JsApi.msgGet(stream));
      // Listing keys and watching use ordered consumers with client-drawn names, on its own
      // buckets only (the push-delivery caveat of docs/security.md applies to them).
      for (const subject of JsApi.consumerCreate(stream, "*")) publish.add(subject);
      publish.add(JsApi.consumerInfo(stream, "*")).add(JsApi.consumerNext(stream, "*")).add(JsApi.consumerDelete(stream, "*"));
    }
  }

  return {
    publish: { allow: [...publish], deny: [...ADMIN_ONLY_API] },
    // Replies and pulled messages arrive on the identity's own inbox; the alliance subjects are
    // read through entitled consumers only, never by a core subscription that would bypass them.
    subscribe: { allow: [`${inboxPrefix(name)}.>`], deny: [`${SUBJECT_ROOT}.>`] },
  };
}

/**
 * The monitor: stream and consumer info, advisories and metrics. Its quarantine tally reads
 * quarantine headers through ordered consumers, whose names the client draws at random, so it may
 * create and read consumers of any name on the quarantine stream, and on no other.
 */
function monitorPermissions(name: string): UserPermissions {
  const q = StreamName.quarantine;
  return {
    publish: {
      allow: [
        JsApi.info, JsApi.streamNames, JsApi.streamList, JsApi.streamInfo("*"),
        JsApi.consumerNames("*"), JsApi.consumerList("*"), JsApi.consumerInfo("*", "*"),
        ...JsApi.consumerCreate(q, "*"), JsApi.consumerNext(q, "*"), JsApi.consumerDelete(q, "*"),
        // The members' v1.1 tracking views, read for the overdue and missing-receipt rules.
        JsApi.msgGet(Kv.streamName(TRACKING_BUCKET)),
        // The secretariat's members and keys views (public keys, validity): the key-rotation rule.
        JsApi.msgGet(Kv.streamName(ViewBucket.members)), JsApi.msgGet(Kv.streamName(ViewBucket.keys)),
      ],
      deny: [...ADMIN_ONLY_API],
    },
    subscribe: { allow: [`${inboxPrefix(name)}.>`, JsEvents.advisories, JsEvents.metrics], deny: [`${SUBJECT_ROOT}.>`] },
  };
}
