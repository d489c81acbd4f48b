import { setTimeout as sleep } from "node:timers/promises";
import type { JsMsg } from "@nats-io/jetstream";
import { AllianceError, ErrorCode } from "../core/errors.js";
import type { Logger } from "../core/logger.js";

/**
 * What the subscriber could not store yet for a message it holds. The message is kept (its ack
 * deadline extended with `working()`) and the write retried, never nakked or termed away.
 */
export const HeldFor = {
  QuarantineCopy: "quarantine-copy",
  RecordRead: "processed-record-read",
  RecordWrite: "processed-record-write",
  /** The live key directory has not folded the governance stream up to the message (fail closed). */
  KeyDirectory: "key-directory-behind",
} as const;
export type HeldFor = (typeof HeldFor)[keyof typeof HeldFor];

/** The subscription's critical signal: messages held now, and every failed attempt so far. */
export interface HoldHealth {
  /** Messages held right now; above 0 is critical. */
  readonly held: number;
  /** When the oldest message held now was first held. */
  readonly heldSince?: Date;
  /** Failed store attempts since the subscription started (a counter: it only grows). */
  readonly failures: number;
  readonly lastError?: { readonly for: HeldFor; readonly seq: number; readonly message: string; readonly at: Date };
}

/** Retry delays while holding; the last repeats. Short first: most failures are an election. */
export const HOLD_BACKOFF_MS = [200, 500, 1_000, 2_000, 5_000, 10_000, 30_000] as const;

/** Keeps the held messages of one subscription and retries their writes. */
export class MessageHold {
  readonly #held = new Map<number, Date>();
  #failures = 0;
  #lastError: HoldHealth["lastError"];
  #next = 0;

  constructor(
    private readonly deps: {
      readonly log: Logger;
      /** The consumer's ack wait: `working()` is sent well within it. */
      readonly ackWaitMs: number;
      /** Aborted when the subscription stops: a held message is let go (it is redelivered). */
      readonly signal: AbortSignal;
      readonly onHeld?: (health: HoldHealth) => void;
      readonly backoffMs?: readonly number[];
    },
  ) {}

  health(): HoldHealth {
    const since = [...this.#held.values()].sort((a, b) => a.getTime() - b.getTime())[0];
    return { held: this.#held.size, failures: this.#failures, ...(since ? { heldSince: since } : {}), ...(this.#lastError ? { lastError: this.#lastError } : {}) };
  }

  /**
   * Runs `write` until it succeeds. The first attempt costs nothing extra; after a failure the
   * message is held: `working()` keeps its ack deadline alive, the write is retried with backoff,
   * and a critical alert is raised (an error log with code ERR_MESSAGE_HELD, `health()`, `onHeld`).
   * Rejects only when the subscription stops (code ERR_SUBSCRIBER_STOPPING), or with a failure
   * `notHeld` says holding cannot cure (the caller deals with it).
   */
  async until<T>(msg: JsMsg, what: HeldFor, write: () => Promise<T>, notHeld: (err: unknown) => boolean = () => false): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (notHeld(err)) throw err;
      return this.#hold(msg, what, write, err, notHeld);
    }
  }

  async #hold<T>(msg: JsMsg, what: HeldFor, write: () => Promise<T>, first: unknown, notHeld: (err: unknown) => boolean): Promise<T> {
    const { log, ackWaitMs, signal } = this.deps;
    const seq = msg.info.streamSequence;
    const key = this.#next++;
    this.#held.set(key, new Date());
    const heartbeat = setInterval(() => msg.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
    msg.working();
    const backoff = this.deps.backoffMs ?? HOLD_BACKOFF_MS;
    let err = first;
    try {
      for (let attempt = 1; ; attempt++) {
        this.#failures++;
        this.#lastError = { for: what, seq, message: (err as Error)?.message ?? String(err), at: new Date() };
        if (attempt === 1 || attempt % 10 === 0) {
          log.error({ err, code: ErrorCode.MessageHeld, alert: "critical", held: what, seq, attempt }, "cannot store; the message is held and the write retried");
        }
        this.deps.onHeld?.(this.health());
        try {
          await sleep(backoff[Math.min(attempt - 1, backoff.length - 1)]!, undefined, { signal });
        } catch {
          throw new AllianceError(ErrorCode.SubscriberStopping, `subscriber stopping; message ${seq} let go while its ${what} was not stored`, { cause: err });
        }
        try {
          const result = await write();
          log.warn({ held: what, seq, attempts: attempt + 1 }, "stored after holding the message");
          return result;
        } catch (next) {
          if (notHeld(next)) throw next;
          err = next;
        }
      }
    } finally {
      clearInterval(heartbeat);
      this.#held.delete(key);
      this.deps.onHeld?.(this.health());
    }
  }
}
