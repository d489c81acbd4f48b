/**
 * Reads a value (a stream's last sequence) for many callers with as few requests as possible,
 * with one guarantee: the answer a caller gets comes from a request sent after it called. A
 * request already in flight was sent too early for a new caller, so new callers share the next
 * one, which leaves once the one in flight has ended. Failures reach the callers that shared them.
 */
export function createStreamBarrier(read: () => Promise<number>): () => Promise<number> {
  let inflight: Promise<number> | undefined;
  let queued: Promise<number> | undefined;

  const launch = (): Promise<number> => {
    const request: Promise<number> = read().finally(() => {
      if (inflight === request) inflight = undefined;
    });
    inflight = request;
    return request;
  };

  return () => {
    if (!inflight) return launch();
    queued ??= inflight.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      queued = undefined;
      return launch();
    });
    return queued;
  };
}
