import { setTimeout as sleep } from "node:timers/promises";
import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import type { Bounds } from "../../../schemas/config.js";
import { AllianceError, ErrorCode, TransientError } from "../core/errors.js";
import { CLOUDEVENTS_CONTENT_TYPE, Header } from "../wire/headers.js";
import type { Signer } from "../keys/keys.js";
import type { Logger } from "../core/logger.js";
import { isQuotaRefusal, isTransient } from "../core/retry.js";
import { signEvent, type OutgoingEvent, type SignedMessage } from "../wire/sign.js";

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
}

export interface Publisher {
  publish(event: OutgoingEvent): Promise<PublishReceipt>;
  /** Sends an already signed message (a re-send keeps its id, its bytes and its signature). */
  send(message: SignedMessage): Promise<PublishReceipt>;
}

export function createPublisher({ js, signer, bounds, log, deadlineMs = 30_000, attemptTimeoutMs = 5_000 }: PublisherDeps): Publisher {
  async function send(message: SignedMessage): Promise<PublishReceipt> {
    const h = headers();
    h.set(Header.MsgId, message.id);
    h.set(Header.Signature, message.signature);
    h.set(Header.ContentType, CLOUDEVENTS_CONTENT_TYPE);
    const deadline = Date.now() + deadlineMs;
    for (let attempt = 1; ; attempt++) {
      let ack: PubAck;
      try {
        ack = await js.publish(message.subject, message.body, { msgID: message.id, headers: h, timeout: attemptTimeoutMs, retries: 1 });
      } catch (err) {
        if (isQuotaRefusal(err)) throw new AllianceError(ErrorCode.PublishQuotaExceeded, `publish ${message.id} refused by a broker quota: ${(err as Error).message}`, { cause: err });
        if (!isTransient(err)) throw new AllianceError(ErrorCode.PublishRejected, `publish ${message.id} refused: ${(err as Error).message}`, { cause: err });
        if (Date.now() >= deadline) throw new TransientError(ErrorCode.PublishTimeout, `publish ${message.id} not acknowledged within ${deadlineMs} ms`, { cause: err });
        log.warn({ id: message.id, attempt, err: (err as Error).message }, "publish not acknowledged, retrying with the same id");
        await sleep(Math.min(250 * 2 ** (attempt - 1), 2_000) * (0.5 + Math.random() / 2));
        continue;
      }
      // On a retry, "duplicate" means our own earlier attempt was stored: success. On the first
      // attempt it means someone else holds this id inside the window: never report success.
      if (ack.duplicate && attempt === 1) {
        throw new AllianceError(ErrorCode.PublishDuplicate, `message id ${message.id} is already in stream ${ack.stream} (seq ${ack.seq})`);
      }
      return { id: message.id, subject: message.subject, stream: ack.stream, seq: ack.seq, attempts: attempt };
    }
  }

  return {
    async publish(event) {
      return send(await signEvent(signer, event, bounds));
    },
    send,
  };
}
