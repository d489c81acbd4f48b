/** Runs an operation later, together with the others queued meanwhile. */
export type Coalescer = <T>(operation: () => Promise<T> | T) => Promise<T>;

/**
 * Defers operations to the next turn of the event loop and starts them there in one synchronous
 * run. The NATS client writes its outbound buffer once per microtask checkpoint, so the requests
 * and acks of a whole batch of messages leave in one socket write instead of one write each; on
 * loopback each write also wakes the server (docs/performance.md). Costs each operation at most
 * one event-loop turn.
 */
export function createCoalescer(): Coalescer {
  let queue: (() => void)[] = [];
  const flush = () => {
    const due = queue;
    queue = [];
    for (const start of due) start();
  };
  return <T>(operation: () => Promise<T> | T) =>
    new Promise<T>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push(() => {
        try {
          Promise.resolve(operation()).then(resolve, reject);
        } catch (err) {
          reject(err);
        }
      });
    });
}
