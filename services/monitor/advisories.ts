import { z } from "zod";
import { watchSubjects } from "../bus/admin/advisories.js";
import type { Logger } from "../bus/core/logger.js";
import type { NatsConnection } from "../bus/core/connect.js";
import { parseJsonSafely } from "../bus/wire/safe-json.js";
import { MONITOR_CONSUMER_PREFIX } from "./collect.js";
import type { AdvisoryEvent, AdvisoryTally } from "./types.js";

/**
 * JetStream advisories the monitor follows: every consumer and stream advisory under
 * `$JS.EVENT.ADVISORY.>` (max deliveries, terminated messages, leader elections, quorum loss,
 * creations and deletions). `$JS.EVENT.ADVISORY.API` is left out on purpose: it echoes every
 * JetStream API call with its full response, the monitor's own sampling included.
 */
export const ADVISORY_SUBJECTS = ["$JS.EVENT.ADVISORY.CONSUMER.>", "$JS.EVENT.ADVISORY.STREAM.>"] as const;

/** Advisory kinds (the last word of the advisory's `type`) that rules look at. */
export const AdvisoryKind = {
  MaxDeliver: "max_deliver",
  Terminated: "terminated",
  StreamLeaderElected: "stream_leader_elected",
  StreamQuorumLost: "stream_quorum_lost",
  ConsumerLeaderElected: "consumer_leader_elected",
  ConsumerQuorumLost: "consumer_quorum_lost",
} as const;

/** Sampled acks are numerous and say nothing an operator acts on: counted, never kept as examples. */
const NOT_EXAMPLES = new Set(["consumer_ack"]);
const LATEST_ADVISORIES = 20;
const MAX_ADVISORY_DEPTH = 8;

const AdvisoryBody = z.looseObject({
  type: z.string().max(200),
  timestamp: z.string().max(64).optional(),
  stream: z.string().max(256).optional(),
  consumer: z.string().max(256).optional(),
  stream_seq: z.number().optional(),
  deliveries: z.number().optional(),
  leader: z.string().max(256).optional(),
  action: z.string().max(64).optional(),
});

/** Reads one advisory message; undefined for anything that is not one. Pure. */
export function parseAdvisory(data: Uint8Array, at: number): AdvisoryEvent | undefined {
  const json = parseJsonSafely(data, MAX_ADVISORY_DEPTH);
  if (!json.ok) return undefined;
  const parsed = AdvisoryBody.safeParse(json.value);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  const kind = a.type.split(".").at(-1) ?? a.type;
  const parts = [
    a.action ? `action ${a.action}` : "",
    a.stream_seq !== undefined ? `stream seq ${a.stream_seq}` : "",
    a.deliveries !== undefined ? `after ${a.deliveries} deliveries` : "",
    a.leader ? `leader ${a.leader}` : "",
  ].filter(Boolean);
  return {
    kind,
    time: a.timestamp ?? new Date(at).toISOString(),
    at,
    ...(a.stream ? { stream: a.stream } : {}),
    ...(a.consumer ? { consumer: a.consumer } : {}),
    detail: parts.join(", "),
  };
}

/** Adds one advisory to the counts. Pure. */
export function tallyAdvisory(tally: AdvisoryTally, event: AdvisoryEvent): AdvisoryTally {
  const stream = event.stream ?? "";
  const consumer = event.consumer ?? "";
  let found = false;
  const counts = tally.counts.map((c) => {
    if (c.kind !== event.kind || c.stream !== stream || c.consumer !== consumer) return c;
    found = true;
    return { ...c, count: c.count + 1 };
  });
  if (!found) counts.push({ kind: event.kind, stream, consumer, count: 1 });
  const latest = NOT_EXAMPLES.has(event.kind) ? tally.latest : [event, ...tally.latest].slice(0, LATEST_ADVISORIES);
  return { counts, latest };
}

export interface AdvisoryWatch extends AsyncDisposable {
  tally(): AdvisoryTally;
  stop(): Promise<void>;
}

/** Subscribes to the advisories and counts them from now on (advisories are not stored). */
export function watchAdvisories(nc: NatsConnection, log: Logger, now: () => number = Date.now): AdvisoryWatch {
  let tally: AdvisoryTally = { counts: [], latest: [] };
  const watch = watchSubjects(nc, ADVISORY_SUBJECTS, {
    onError: (err, subject) => log.warn({ err, subject }, "advisory subscription failed"),
    onMessage: (msg) => {
      const event = parseAdvisory(msg.data, now());
      // The monitors' own quarantine readers come and go: not news for operators.
      if (event?.consumer?.startsWith(MONITOR_CONSUMER_PREFIX)) return;
      if (event) tally = tallyAdvisory(tally, event);
      else log.debug({ subject: msg.subject }, "unreadable advisory ignored");
    },
  });
  const stop = () => watch.stop();
  return { tally: () => tally, stop, [Symbol.asyncDispose]: stop };
}
