import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { ensureConsumer, type ConsumerSpec } from "./consumer.js";
import type { ProcessedRecord } from "./idempotency.js";
import type { Logger } from "./logger.js";
import { quarantineMessage } from "./quarantine.js";
import { Reason } from "./reasons.js";
import type { IncomingMessage, Verifier } from "./verify.js";

export interface HandlerContext {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly kid: string;
  readonly deliveryCount: number;
  readonly receivedAt: Date;
  readonly log: Logger;
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
}

export interface Subscription extends AsyncDisposable {
  readonly consumerName: string;
  /** Stops pulling, lets the message in hand finish, and resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after stop, or if the stream goes away). */
  readonly closed: Promise<void>;
}

/**
 * A durable pull consumer running the checks of docs/protocol.md §5, then the handler. The loop
 * alone acks: success → ack; handler error → nak with backoff; rejected or out of deliveries →
 * quarantine copy, then term. Nothing is acked or termed before its quarantine copy is stored.
 */
export async function subscribe(deps: SubscribeDeps): Promise<Subscription> {
  const { js, jsm, consumer: spec, log } = deps;
  const consumerName = await ensureConsumer(jsm, spec);
  const processed = await deps.processed(consumerName);
  const consumer = await js.consumers.get(spec.stream, consumerName);
  const messages = await consumer.consume({ max_messages: 256, idle_heartbeat: 5_000, expires: 30_000 });
  const slog = log.child({ stream: spec.stream, consumer: consumerName });

  void (async () => {
    for await (const status of messages.status()) {
      if (status.type === "heartbeats_missed") slog.warn({ count: status.count }, "consumer heartbeats missed");
      if (status.type === "consumer_deleted" || status.type === "consumer_not_found") {
        slog.warn({ status: status.type }, "consumer lost, recreating it");
        await ensureConsumer(jsm, spec).catch((err: unknown) => slog.error({ err }, "could not recreate consumer"));
      }
    }
  })();

  const closed = (async () => {
    for await (const msg of messages) {
      await processMessage(msg, { ...deps, processed, consumerName, log: slog }).catch((err: unknown) => {
        // Never lose the message: leave it for redelivery and keep the loop alive.
        slog.error({ err, seq: msg.info.streamSequence }, "message processing failed; will be redelivered");
        msg.nak(deps.consumer.settings.backoffSeconds[0]! * 1000);
      });
    }
  })();

  const stop = async () => {
    messages.stop();
    await closed;
  };
  return { consumerName, stop, closed, [Symbol.asyncDispose]: stop };
}

type ProcessDeps = Omit<SubscribeDeps, "processed"> & { processed: ProcessedRecord; consumerName: string };

async function processMessage(msg: JsMsg, deps: ProcessDeps): Promise<void> {
  const { stream, streamSequence: seq, deliveryCount, timestampNanos } = msg.info;
  const incoming: IncomingMessage = {
    subject: msg.subject,
    body: msg.data,
    header: (name) => msg.headers?.get(name) || undefined,
    receivedAt: new Date(Math.floor(timestampNanos / 1e6)),
  };
  const reject = async (reason: Reason, detail: string) => {
    await quarantineMessage(deps.js, msg, reason, detail, deps.consumerName);
    // No reason text on the term: nats-server 2.9 ignores "+TERM <reason>" and redelivers.
    msg.term();
    deps.log.warn({ seq, subject: msg.subject, reason, detail }, "message quarantined");
    deps.onRejected?.({ reason, detail, stream, seq, subject: msg.subject });
  };

  const verdict = await deps.verify(incoming);
  if (!verdict.ok) return reject(verdict.reason, verdict.detail);
  const { event } = verdict;
  const mlog = deps.log.child({ id: event.id, subject: msg.subject, seq });

  if (deps.member && event.recipients && !event.recipients.includes(deps.member)) {
    mlog.debug({ member: deps.member }, "restricted distribution excludes this member; skipped");
    msg.ack();
    return;
  }
  if (await deps.processed.has(event.id)) return reject(Reason.Duplicate, `event ${event.id} was already handled by ${deps.consumerName}`);

  const settings = deps.consumer.settings;
  try {
    await deps.handler(event, {
      stream, seq, subject: msg.subject, kid: verdict.kid, deliveryCount, receivedAt: incoming.receivedAt, log: mlog,
      working: () => msg.working(),
    });
  } catch (err) {
    if (deliveryCount >= settings.maxDeliver) {
      return reject(Reason.MaxDeliveries, `handler failed on all ${deliveryCount} deliveries; last: ${(err as Error).message}`);
    }
    const delaySeconds = settings.backoffSeconds[Math.min(deliveryCount - 1, settings.backoffSeconds.length - 1)]!;
    mlog.warn({ err, deliveryCount, retryInSeconds: delaySeconds }, "handler failed; will retry");
    msg.nak(delaySeconds * 1000);
    return;
  }
  await deps.processed.add(event.id);
  msg.ack();
}
