import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import { errors } from "@nats-io/transport-node";
import { AllianceError, ErrorCode } from "./errors.js";

/** The hint every "no stream" error carries: the administrator provisions them. */
export const NO_STREAM_HINT = "run `alliance streams` as the administrator to provision the alliance's streams and declared consumers";

/** The errors inside `err` (its `cause` chain), outermost first. */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) out.push(e);
  return out;
}

/**
 * True when JetStream said the stream does not exist: by class or API code, never by message
 * (nats.js raises a JetStreamApiError, or its subclass StreamNotFoundError, with code 10059).
 */
export function isStreamNotFound(err: unknown): boolean {
  return chain(err).some((e) => e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound);
}

/** True when nobody answered a request: no stream captures the subject, or a leader election is under way. */
export function isNoResponders(err: unknown): boolean {
  return chain(err).some((e) => e instanceof errors.NoRespondersError || (e instanceof errors.RequestError && e.isNoResponders()));
}

/** The broker's refusal inside `err`, by class (nats.js's PermissionViolationError), if that is what it is. */
export function permissionViolationOf(err: unknown): { operation: string; subject: string } | undefined {
  for (const e of chain(err)) if (e instanceof errors.PermissionViolationError) return { operation: e.operation, subject: e.subject };
  return undefined;
}

/** An ERR_NO_STREAM naming the stream (when known) and what to run. */
export function noStream(stream: string | undefined, cause?: unknown): AllianceError {
  return new AllianceError(ErrorCode.NoStream, `${stream ? `stream ${stream} does not exist` : "the stream does not exist"}: ${NO_STREAM_HINT}`, { cause });
}

/**
 * What a failed operation means for a person: a missing stream becomes ERR_NO_STREAM; anything
 * else is returned as it is (permission refusals are identity's to name, errors.ts codes pass).
 */
export function explainFailure(err: unknown, stream?: string): unknown {
  if (err instanceof AllianceError && err.code !== ErrorCode.PublishRejected && err.code !== ErrorCode.PublishTimeout) return err;
  if (isStreamNotFound(err)) return noStream(stream, err);
  const violation = permissionViolationOf(err);
  if (violation) {
    return new AllianceError(ErrorCode.PermissionDenied, `the broker refused ${violation.operation === "publish" ? "publishing to" : "subscribing to"} ${violation.subject}: this identity is not permitted (docs/security.md; a subscriber reads through a consumer declared for it in config access.consumers)`, { cause: err });
  }
  return err;
}

/**
 * Fails with ERR_NO_STREAM ("run `alliance streams`") when `stream` does not exist. An identity
 * that may not read stream info (a member, docs/security.md) goes on: its publish then times out
 * with ERR_PUBLISH_TIMEOUT, whose message names a missing stream as a likely cause.
 */
export async function checkStreamExists(bus: { readonly jsm: JetStreamManager }, stream: string): Promise<void> {
  try {
    await bus.jsm.streams.info(stream);
  } catch (err) {
    if (isStreamNotFound(err)) throw noStream(stream, err);
    if (permissionViolationOf(err)) return;
    throw explainFailure(err, stream);
  }
}
