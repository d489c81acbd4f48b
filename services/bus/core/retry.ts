import { setTimeout as sleep } from "node:timers/promises";
import { JetStreamApiError } from "@nats-io/jetstream";
import { NoRespondersError, RequestError, TimeoutError } from "@nats-io/transport-node";

/**
 * A limit the broker enforces (docs/security.md, "Quotas"): a full stream, a member's cap on a
 * subject, the account's storage, a message over the size bound. nats-server answers these with
 * status 503, like an election; retrying them only delays the refusal, so they are not transient.
 */
export function isQuotaRefusal(err: unknown): boolean {
  return err instanceof Error && /maximum (bytes|messages|messages per subject) exceeded|resource limits exceeded|insufficient (storage )?resources|message size exceeds/i.test(err.message);
}

/** Timeouts, no responders and 503s happen while a cluster elects a leader: retry those. */
export function isTransient(err: unknown): boolean {
  if (isQuotaRefusal(err)) return false;
  if (err instanceof TimeoutError || err instanceof NoRespondersError) return true;
  if (err instanceof RequestError) return err.isNoResponders() || err.cause instanceof TimeoutError;
  if (err instanceof JetStreamApiError) return err.status === 503;
  if (err instanceof Error) return err.name === "JetStreamNotEnabled" || /jetstream (is )?not enabled|timeout|503/i.test(err.message);
  return false;
}

export interface RetryOptions {
  /** Give up once this long has passed since the first attempt. */
  readonly deadlineMs: number;
  /** Spread the retries of many clients (publishers), so a recovered leader is not stampeded. */
  readonly jitter?: boolean;
  readonly onRetry?: (err: unknown, attempt: number) => void;
}

/**
 * Runs `operation` until it succeeds, retrying transient failures (isTransient) with exponential
 * backoff up to 2 s until the deadline. Any other failure, or a transient one past the deadline,
 * is thrown as it came.
 */
export async function retryTransient<T>(operation: (attempt: number) => Promise<T>, { deadlineMs, jitter = false, onRetry }: RetryOptions): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      if (!isTransient(err) || Date.now() >= deadline) throw err;
      onRetry?.(err, attempt);
      const backoff = Math.min(250 * 2 ** (attempt - 1), 2_000);
      await sleep(jitter ? backoff * (0.5 + Math.random() / 2) : backoff);
    }
  }
}
