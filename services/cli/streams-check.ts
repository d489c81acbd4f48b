import type { Bus } from "../bus/core/bus.js";
import { explainFailure, isStreamNotFound, noStream, permissionViolationOf } from "../bus/core/failures.js";

/**
 * Fails with ERR_NO_STREAM ("run `alliance streams`") when `stream` does not exist. An identity
 * that may not read stream info (a member, docs/security.md) goes on: its publish then times out
 * with ERR_PUBLISH_TIMEOUT, whose message names a missing stream as a likely cause.
 */
export async function checkStreamExists(bus: Pick<Bus, "jsm">, stream: string): Promise<void> {
  try {
    await bus.jsm.streams.info(stream);
  } catch (err) {
    if (isStreamNotFound(err)) throw noStream(stream, err);
    if (permissionViolationOf(err)) return;
    throw explainFailure(err, stream);
  }
}
