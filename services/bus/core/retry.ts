import { setTimeout as sleep } from "node:timers/promises";
import { JetStreamApiError } from "@nats-io/jetstream";
// The client's JetStream error classes not re-exported by its main entry point.
import { jserrors, JetStreamStatusError } from "@nats-io/jetstream/internal";
import { NoRespondersError, RequestError, TimeoutError } from "@nats-io/transport-node";

/** How deep `isTransient` follows `cause`: the client wraps a timeout in a request error, at most twice. */
const MAX_CAUSE_DEPTH = 4;

/**
 * The JetStream API codes of a limit the broker enforces (docs/security.md, "Quotas"): a full
 * stream or a member's cap on a subject (10077, "maximum messages/bytes/messages per subject
 * exceeded"), a message over the size bound (10054), the account's or server's storage (10023,
 * 10028, 10047).
 */
const QUOTA_CODES: ReadonlySet<number> = new Set([10023, 10028, 10047, 10054, 10077]);

/**
 * A quota refusal. nats-server answers most of them with status 503, like an election; retrying
 * only delays the refusal, so they are never transient. Judged by the API code, never the text.
 */
export function isQuotaRefusal(err: unknown): boolean {
  return err instanceof JetStreamApiError && QUOTA_CODES.has(err.code);
}

/**
 * Timeouts, no responders and 503s happen while a cluster elects a leader: retry those. Judged by
 * the nats.js error classes and their codes only, never by the text of a message (which a server
 * version or a translation may change, and which a hostile peer's reply could imitate).
 * `JetStreamNotEnabled` is what the client throws when a JetStream request meets no responders
 * (no stream or meta leader at this moment). A quota refusal is not transient.
 */
export function isTransient(err: unknown, depth = 0): boolean {
  if (isQuotaRefusal(err)) return false;
  if (err instanceof TimeoutError || err instanceof NoRespondersError || err instanceof jserrors.JetStreamNotEnabled) return true;
  if (err instanceof RequestError && err.isNoResponders()) return true;
  if (err instanceof JetStreamApiError) return err.status === 503;
  if (err instanceof JetStreamStatusError) return err.code === 503 || err.code === 408;
  if (err instanceof Error && (err as { cause?: unknown }).cause !== undefined && depth < MAX_CAUSE_DEPTH) return isTransient((err as { cause?: unknown }).cause, depth + 1);
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
