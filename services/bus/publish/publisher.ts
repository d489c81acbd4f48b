import { isNoResponders, NO_STREAM_HINT } from "../core/failures.js";
import { setTimeout as sleep } from "node:timers/promises";
import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import type { Bounds } from "../../../schemas/config.js";
import { AllianceError, ErrorCode, TransientError } from "../core/errors.js";
import { CLOUDEVENTS_CONTENT_TYPE, Header } from "../wire/headers.js";
import type { Signer } from "../keys/keys.js";
import type { Logger } from "../core/logger.js";
import { isQuotaRefusal, isTransient, retryTransient } from "../core/retry.js";
import { publishToStream } from "../core/requests.js";
import { signEvent, type OutgoingEvent, type SignedMessage } from "../wire/sign.js";
import { createSealer, resolveGroup, type SealingDeps } from "./seal.js";

/** An event to publish; `group` (v1.1 §1b.2) seals it to a working group's active members, resolved now. */
export type PublishInput = OutgoingEvent & { readonly group?: string };

export interface PublishReceipt {
  readonly id: string;
  readonly subject: string;
  readonly stream: string;
  readonly seq: number;
  /** Attempts it took; more than one means the broker was electing a leader or unreachable. */
  readonly attempts: number;
}

export interface PublisherDeps {
  readonly js: JetStreamClient;
  readonly signer: Signer;
  readonly bounds: Pick<Bounds, "maxBodyBytes">;
  readonly log: Logger;
  /** How long to keep retrying one message through timeouts and leader elections. */
  readonly deadlineMs?: number;
  /** How long each attempt waits for its acknowledgement. */
  readonly attemptTimeoutMs?: number;
  /** v1.1 §1b.2: recipients' encryption keys (and working groups); without it, `recipients` is refused. */
  readonly sealing?: SealingDeps;
}

export interface Publisher {
  publish(event: PublishInput): Promise<PublishReceipt>;
  /** Sends an already signed message (a re-send keeps its id, its bytes and its signature). */
  send(message: SignedMessage): Promise<PublishReceipt>;
}

/** The wait before the second attempt; retryTransient's backoff takes over from the third. */
const FIRST_RETRY_MS = 250;

function refused(message: SignedMessage, err: unknown): AllianceError {
  // A broker quota (docs/security.md, "Quotas") is named as such: retrying it only waits longer.
  if (isQuotaRefusal(err)) return new AllianceError(ErrorCode.PublishQuotaExceeded, `publish ${message.id} refused by a broker quota: ${(err as Error).message}`, { cause: err });
  return new AllianceError(ErrorCode.PublishRejected, `publish ${message.id} refused: ${(err as Error).message}`, { cause: err });
}

export function createPublisher({ js, signer, bounds, log, deadlineMs = 30_000, attemptTimeoutMs = 5_000, sealing }: PublisherDeps): Publisher {
  const seal = sealing ? createSealer(sealing) : undefined;
  async function send(message: SignedMessage): Promise<PublishReceipt> {
    const h = headers();
    h.set(Header.MsgId, message.id);
    h.set(Header.Signature, message.signature);
    h.set(Header.ContentType, CLOUDEVENTS_CONTENT_TYPE);
    const started = Date.now();
    let attempts = 1;
    // Nats-Msg-Id is in `h`: the stream de-duplicates by it (what js.publish's msgID sets).
    const attempt = () => publishToStream(js, message.subject, message.body, { headers: h, timeoutMs: attemptTimeoutMs });
    let ack: PubAck;
    try {
      // The first attempt directly, not through the retry helper: an acknowledged publish then
      // resolves as soon as its ack is read, before messages that arrived with it are handled.
      ack = await attempt();
    } catch (first) {
      if (!isTransient(first)) throw refused(message, first);
      log.warn({ id: message.id, attempt: 1, err: (first as Error).message }, "publish not acknowledged, retrying with the same id");
      try {
        // The same id every time (the stream de-duplicates), jittered so that a recovered leader
        // is not stampeded by every publisher at once.
        ack = await retryTransient(async () => {
          if (attempts === 1) await sleep(FIRST_RETRY_MS * (0.5 + Math.random() / 2));
          attempts++;
          return attempt();
        }, {
          deadlineMs: Math.max(0, deadlineMs - (Date.now() - started)), jitter: true,
          onRetry: (err, n) => log.warn({ id: message.id, attempt: n + 1, err: (err as Error).message }, "publish not acknowledged, retrying with the same id"),
        });
      } catch (err) {
        if (!isTransient(err)) throw refused(message, err);
        // No responders for the whole deadline: most often no stream captures the subject.
        const hint = isNoResponders(err) ? `; nothing answered on ${message.subject}: if its stream does not exist, ${NO_STREAM_HINT}` : "";
        throw new TransientError(ErrorCode.PublishTimeout, `publish ${message.id} not acknowledged within ${deadlineMs} ms${hint}`, { cause: err });
      }
    }
    // On a retry, "duplicate" means our own earlier attempt was stored: success. On the first
    // attempt it means someone else holds this id inside the window: never report success.
    if (ack.duplicate && attempts === 1) {
      throw new AllianceError(ErrorCode.PublishDuplicate, `message id ${message.id} is already in stream ${ack.stream} (seq ${ack.seq})`);
    }
    return { id: message.id, subject: message.subject, stream: ack.stream, seq: ack.seq, attempts };
  }

  return {
    async publish({ group, ...event }) {
      if (group !== undefined && event.recipients) throw new AllianceError(ErrorCode.UsageInvalid, "publish: recipients or group, not both");
      const recipients = group !== undefined ? resolveGroup(sealing?.groups, group) : event.recipients;
      return send(await signEvent(signer, { ...event, ...(recipients ? { recipients: recipients as OutgoingEvent["recipients"] } : {}) }, bounds, seal));
    },
    send,
  };
}
