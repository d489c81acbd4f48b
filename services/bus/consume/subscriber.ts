import { explainFailure } from "../core/failures.js";
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { AllianceEvent } from "../../../schemas/envelope.js";
import { createCoalescer, type Coalescer } from "./coalesce.js";
import { ensureConsumer, type ConsumerSpec } from "../admin/consumer.js";
import { openConsumerSession } from "./consumer-session.js";
import { HandledWindow } from "./handled-window.js";
import { recordKeyOf, streamPosition, type ProcessedRecord } from "./idempotency.js";
import { ErrorCode, isAllianceError } from "../core/errors.js";
import { isQuotaRefusal } from "../core/retry.js";
import type { Logger } from "../core/logger.js";
import { HeldFor, MessageHold, type HoldHealth } from "./hold.js";
import { heldInOrder, KeepAlive } from "./keep-alive.js";
import { createQuarantineWriter, type QuarantineWriter } from "./quarantine.js";
import { HandlerRejection } from "./rejection.js";
import { orderingKeyOf, schedule, type OrderingKey } from "./scheduler.js";
import { Reason } from "../wire/reasons.js";
import { StreamName } from "../wire/subjects.js";
import type { IncomingMessage, SealedInfo, Verdict, Verifier } from "../wire/verify.js";
import { DataContentType } from "../../../schemas/protocol.js";

export interface HandlerContext {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly kid: string;
  readonly deliveryCount: number;
  readonly receivedAt: Date;
  readonly log: Logger;
  /** v1.1: set when the event was sealed to this member (its data is the opened plaintext). */
  readonly sealed?: SealedInfo;
  /** Tells the server the handler is still at work, so the message is not redelivered meanwhile. */
  working(): void;
}

/** Handles one verified event. Throwing means "try again later"; handlers never ack. */
export type Handler = (event: AllianceEvent, ctx: HandlerContext) => Promise<void>;

export interface Rejection {
  readonly reason: Reason;
  readonly detail: string;
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
}

export interface SubscribeDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly consumer: ConsumerSpec;
  readonly verify: Verifier;
  /** Records processed ids; created by the caller for the consumer's name (see idempotency.ts). */
  readonly processed: (consumerName: string) => Promise<ProcessedRecord>;
  readonly handler: Handler;
  readonly log: Logger;
  /** The member this subscriber reads for: events with `recipients` that exclude it are skipped. */
  readonly member?: string;
  /** Told of every quarantined message, after the copy is stored. */
  readonly onRejected?: (rejection: Rejection) => void;
  /**
   * Writes the quarantine copies, as the subscribing identity (`createQuarantineWriter`). Default:
   * written as `member`, or as `local` without one, under a key drawn for this process.
   */
  readonly quarantine?: QuarantineWriter;
  /** Told whenever a message starts or stops being held (a copy or record that cannot be stored). */
  readonly onHeld?: (health: HoldHealth) => void;
  /**
   * How many messages are verified and looked up in the processed record ahead of their handlers
   * (and at most in hand at once). 1: strictly one message at a time.
   */
  readonly readAhead?: number;
  /** Handlers running at once, across ordering keys; default config `subscriber.concurrency`, else 32. */
  readonly concurrency?: number;
  /** What stays in order (scheduler.ts OrderingKey); default config `subscriber.ordering`, else `origin`. */
  readonly ordering?: OrderingKey;
}

/** Enough to hide the processed-record round trips behind verification (docs/performance.md). */
export const DEFAULT_READ_AHEAD = 64;
/** Enough for every member of the alliance to have a handler running, with room for more members. */
export const DEFAULT_CONCURRENCY = 32;

export interface Subscription extends AsyncDisposable {
  readonly consumerName: string;
  /** Stops pulling, lets the message in hand finish, and resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after stop, or if the stream goes away). */
  readonly closed: Promise<void>;
  /** Messages held because a quarantine copy or processed record cannot be stored: critical when `held > 0`. */
  health(): HoldHealth;
}

/** The writer of quarantine copies for a subscriber that was given none. */
export const LOCAL_WRITER = "local";

/**
 * A durable pull consumer running the checks of docs/protocol.md §5, then the handler. The loop
 * alone acks: success → ack; handler error → nak with backoff; rejected or out of deliveries →
 * quarantine copy, then term. Nothing is acked or termed before its quarantine copy is stored.
 */
export async function subscribe(deps: SubscribeDeps): Promise<Subscription> {
  const { js, jsm, consumer: spec, log } = deps;
  let consumerName: string, processed: ProcessedRecord, messages: Awaited<ReturnType<typeof openConsumerSession>>;
  const slog0 = log.child({ stream: spec.stream });
  try {
    consumerName = await ensureConsumer(jsm, spec);
    processed = await deps.processed(consumerName);
    // Survives node failures: a session that stops getting heartbeats is replaced (consumer-session.ts).
    messages = await openConsumerSession({ js, jsm, spec, name: consumerName, log: slog0.child({ consumer: consumerName }) }, { max_messages: 256, idle_heartbeat: 5_000, expires: 30_000 });
  } catch (err) {
    // A missing stream or an undeclared consumer is named as such, with a stable code.
    throw explainFailure(err, spec.stream);
  }
  const slog = slog0.child({ consumer: consumerName });

  const depth = Math.max(1, deps.readAhead ?? DEFAULT_READ_AHEAD);
  // Stopping lets every held message go (nakked): the consumer redelivers without limit.
  const stopping = new AbortController();
  const hold = new MessageHold({ log: slog, ackWaitMs: spec.settings.ackWaitSeconds * 1000, signal: stopping.signal, ...(deps.onHeld ? { onHeld: deps.onHeld } : {}) });
  const quarantine = deps.quarantine ?? createQuarantineWriter(js, { writer: deps.member ?? LOCAL_WRITER });
  // The governance stream is a fold: strictly one message at a time, in stream order.
  const sequential = spec.stream === StreamName.secretariat;
  const concurrency = sequential ? 1 : Math.max(1, deps.concurrency ?? spec.settings.concurrency ?? DEFAULT_CONCURRENCY);
  const ordering: OrderingKey = deps.ordering ?? spec.settings.ordering ?? "origin";
  const keyOf = sequential ? () => "" : (msg: JsMsg) => orderingKeyOf(ordering, msg.subject);
  // Messages pulled but not yet through their handler keep their ack deadline (keep-alive.ts).
  const keep = new KeepAlive(Math.max(100, (spec.settings.ackWaitSeconds * 1000) / 3));
  const tickets = new WeakMap<JsMsg, number>();
  const pdeps: ProcessDeps = {
    ...deps, processed, consumerName, log: slog, handled: new HandledWindow(), settling: new Set(), together: createCoalescer(), hold, quarantine,
    startedAt: Date.now(),
    // A handler's message stays held while it runs, however long; released as soon as it returns.
    handler: async (event, ctx) => {
      try {
        await deps.handler(event, ctx);
      } finally {
        keep.releaseSeq(ctx.seq);
      }
    },
  };
  const inHand = new Map<string, Promise<void>>();
  const closed = (async () => {
    const source = heldInOrder(messages, keep, () => stopping.signal.aborted);
    await schedule(source, { depth, concurrency, keyOf }, (msg) => {
      tickets.set(msg, pdeps.handled.read());
      return checkMessage(msg, pdeps);
    }, async (msg, checked) => {
      // One handler per event (origin and id) at a time, whatever the ordering key: a replay under
      // another key waits for the original, then finds it in the handled window.
      const id = checked.ok && checked.value.verdict.ok ? recordKeyOf(checked.value.verdict.event) : undefined;
      let release: (() => void) | undefined;
      if (id !== undefined) {
        while (inHand.has(id)) await inHand.get(id);
        inHand.set(id, new Promise<void>((resolve) => (release = resolve)));
      }
      try {
        if (!checked.ok) throw checked.error;
        await actOnMessage(msg, checked.value, pdeps);
      } catch (err) {
        // Never lose the message: leave it for redelivery and keep the loop alive.
        if (isAllianceError(err, ErrorCode.SubscriberStopping)) slog.warn({ seq: msg.info.streamSequence }, "held message let go on stop; will be redelivered");
        else slog.error({ err, seq: msg.info.streamSequence }, "message processing failed; will be redelivered");
        msg.nak(deps.consumer.settings.backoffSeconds[0]! * 1000);
      } finally {
        if (id !== undefined) inHand.delete(id);
        release?.();
        keep.release(msg);
        pdeps.handled.finished(tickets.get(msg)!);
      }
    });
    keep.close();
    // Acks still waiting for their processed record to be stored.
    await Promise.all(pdeps.settling);
  })();
  const stop = async () => {
    // A held message is let go (nakked): the consumer redelivers without limit (admin/consumer.ts).
    stopping.abort();
    messages.stop();
    await closed;
  };
  return { consumerName, stop, closed, health: () => hold.health(), [Symbol.asyncDispose]: stop };
}

type ProcessDeps = Omit<SubscribeDeps, "processed" | "quarantine"> & {
  /** Holds a message whose copy or record cannot be stored yet, and retries (hold.ts). */
  hold: MessageHold;
  quarantine: QuarantineWriter;
  processed: ProcessedRecord;
  consumerName: string;
  /**
   * When this subscription started. A message stored before it may have been handled by a version
   * that keyed records by id alone: its record is looked up under that key too. One stored later
   * cannot have been (a re-send under a new message id is stale past the skew bound, and within
   * the duplicate window the broker drops it), as long as the old version no longer runs on the
   * same durable (docs/operations.md, upgrading).
   */
  startedAt: number;
  handled: HandledWindow;
  /** Acks waiting for their processed record, and their failures' naks: awaited on stop. */
  settling: Set<Promise<void>>;
  /** Record reads, writes and acks of a batch of messages leave in one socket write. */
  together: Coalescer;
};

/** What the read-ahead stage learnt of a message; nothing in it has acted on the message. */
interface Checked {
  readonly incoming: IncomingMessage;
  readonly verdict: Verdict;
  /** Where the processed record said the id was handled when looked up (undefined: never). */
  readonly handledAt?: string | undefined;
}

/** Not for this member: restricted to others, or still sealed (no unseal step opened it for us). */
function excludes(member: string | undefined, { recipients, datacontenttype }: AllianceEvent): boolean {
  return datacontenttype === DataContentType.Sealed || Boolean(member && recipients && !recipients.includes(member));
}

/** Checks 1–8, then the processed-record lookup of check 9: run ahead of the handler. */
async function checkMessage(msg: JsMsg, deps: ProcessDeps): Promise<Checked> {
  const incoming: IncomingMessage = {
    subject: msg.subject,
    body: msg.data,
    header: (name) => msg.headers?.get(name) || undefined,
    receivedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)),
  };
  // The verifier throws only when its key directory cannot answer yet: the message is held and
  // verified again, without a nak, so waiting for trust never spends a delivery.
  const verdict = await deps.hold.until(msg, HeldFor.KeyDirectory, () => deps.verify(incoming));
  if (!verdict.ok || excludes(deps.member, verdict.event)) return { incoming, verdict };
  const key = recordKeyOf(verdict.event);
  const legacy = incoming.receivedAt.getTime() < deps.startedAt ? verdict.event.id : undefined;
  return { incoming, verdict, handledAt: await deps.hold.until(msg, HeldFor.RecordRead, () => deps.together(() => deps.processed.handledAt(key, legacy))) };
}

/** Acts on one checked message: quarantine, skip, handle; one message at a time, in delivery order. */
async function actOnMessage(msg: JsMsg, { incoming, verdict, handledAt: lookedUp }: Checked, deps: ProcessDeps): Promise<void> {
  const { stream, streamSequence: seq, deliveryCount } = msg.info;
  const reject = async (reason: Reason, detail: string) => {
    if (!(await storeCopy(msg, reason, detail, deps))) return;
    // No reason text on the term: nats-server 2.9 ignores "+TERM <reason>" and redelivers.
    msg.term();
    deps.log.warn({ seq, subject: msg.subject, reason, detail }, "message quarantined");
    deps.onRejected?.({ reason, detail, stream, seq, subject: msg.subject });
  };

  if (!verdict.ok) return reject(verdict.reason, verdict.detail);
  const { event } = verdict;
  // A child logger per message costs about as much as a schema check: made only when used.
  let child: Logger | undefined;
  const mlog = (): Logger => (child ??= deps.log.child({ id: event.id, subject: msg.subject, seq }));

  if (excludes(deps.member, event)) {
    mlog().debug({ member: deps.member }, "restricted distribution excludes this member; skipped");
    msg.ack();
    return;
  }
  const position = streamPosition(stream, seq);
  const key = recordKeyOf(event);
  // Handled here since the look-up ran ahead? The window knows, and its answer is the fresher one.
  const recent = deps.handled.get(key);
  const handledAt = recent ? recent.position : lookedUp;
  if (handledAt === position) {
    // Handled, but the ack was lost (a crash, or a consumer leader change): no replay, just re-ack,
    // once our own record of it is stored (written again if that write failed).
    mlog().info({ deliveryCount }, "already handled at this position; acknowledged again");
    if (recent) settle(recent.recorded.catch(() => record(msg, key, position, deps)), msg, deps, mlog);
    else msg.ack();
    return;
  }
  if (handledAt !== undefined) return reject(Reason.Duplicate, `event ${event.id} was already handled by ${deps.consumerName}${handledAt ? ` at ${handledAt}` : ""}`);

  const settings = deps.consumer.settings;
  // The consumer redelivers without limit; the delivery budget is counted here. Past it, the last
  // permitted delivery ended without an answer (ack timeout: the subscriber stopped or crashed
  // mid-handler): quarantined rather than abandoned (docs/protocol.md Appendix D.6).
  if (settings.maxDeliver > 0 && deliveryCount > settings.maxDeliver) {
    return reject(Reason.MaxDeliveries, `delivered ${deliveryCount} times; the handler did not finish within the ${settings.maxDeliver} permitted (the last ended without an answer)`);
  }
  try {
    await deps.handler(event, {
      stream, seq, subject: msg.subject, kid: verdict.kid, deliveryCount, receivedAt: incoming.receivedAt,
      ...(verdict.sealed ? { sealed: verdict.sealed } : {}),
      get log() {
        return mlog();
      },
      working: () => msg.working(),
    });
  } catch (err) {
    if (err instanceof HandlerRejection) return reject(err.reason, err.detail);
    if (deliveryCount >= settings.maxDeliver) {
      return reject(Reason.MaxDeliveries, `handler failed on all ${deliveryCount} deliveries; last: ${(err as Error).message}`);
    }
    const delaySeconds = settings.backoffSeconds[Math.min(deliveryCount - 1, settings.backoffSeconds.length - 1)]!;
    mlog().warn({ err, deliveryCount, retryInSeconds: delaySeconds }, "handler failed; will retry");
    msg.nak(delaySeconds * 1000);
    return;
  }
  // The record is stored before the ack, and before the next handler starts: a crash during the
  // next handler must find this one recorded, or its redelivery would run this handler twice.
  // The ack itself goes out with the next batch of writes.
  const recorded = record(msg, key, position, deps);
  deps.handled.handled(key, position, recorded);
  settle(recorded, msg, deps, mlog);
  await recorded.catch(() => undefined);
}

/**
 * A copy the quarantine's quota refuses comes back this much later. It is not held: a held
 * message keeps its place, and the messages read behind it would wait with it, so one member
 * spending this writer's quarantine budget with junk would stall every origin (red team, h10).
 */
export const QUARANTINE_FULL_RETRY_MS = 60_000;

/**
 * Stores the quarantine copy of a rejected message, holding the message while a failure may pass
 * (the consumer has no delivery limit, and a nak on the last delivery once lost messages). False
 * when the quarantine's quota refused it: the message is left in its stream (nakked, redelivered
 * later) with a critical alert.
 */
async function storeCopy(msg: JsMsg, reason: Reason, detail: string, deps: ProcessDeps): Promise<boolean> {
  try {
    await deps.hold.until(msg, HeldFor.QuarantineCopy, () => deps.quarantine.store(msg, reason, detail, deps.consumerName), isQuotaRefusal);
    return true;
  } catch (err) {
    if (!isQuotaRefusal(err)) throw err;
    deps.log.error({ err, code: ErrorCode.QuarantineFull, alert: "critical", seq: msg.info.streamSequence, subject: msg.subject, reason }, "the quarantine refuses this writer's copies (quota spent): the message stays in its stream and comes back later");
    msg.nak(QUARANTINE_FULL_RETRY_MS);
    return false;
  }
}

/** Stores the processed record, holding the message until it is stored (or the subscriber stops). */
function record(msg: JsMsg, id: string, position: string, deps: ProcessDeps): Promise<void> {
  return deps.hold.until(msg, HeldFor.RecordWrite, () => deps.together(() => deps.processed.add(id, position)));
}

/** Acks once `recorded` is stored; if the subscriber stopped first, naks so that the message comes back. */
function settle(recorded: Promise<void>, msg: JsMsg, deps: ProcessDeps, log: () => Logger): void {
  const settled: Promise<void> = recorded.then(
    () => deps.together(() => msg.ack()),
    (err: unknown) => {
      log().error({ err }, "processed record not stored; the message will be redelivered");
      msg.nak(deps.consumer.settings.backoffSeconds[0]! * 1000);
    },
  ).catch((err: unknown) => log().error({ err }, "ack not sent; the message will be redelivered"))
    .finally(() => deps.settling.delete(settled));
  deps.settling.add(settled);
}
