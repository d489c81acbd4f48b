/** What `prepare` gave for one item: its value, or the error it failed with. */
export type Prepared<P> = { ok: true; value: P } | { ok: false; error: unknown };

/**
 * Runs `prepare` on up to `depth` items of `source` ahead, while `finish` sees every item one at a
 * time, in source order, each after the previous one's `finish` has resolved. The subscriber
 * verifies and looks up the next messages this way while the handler works through them in order.
 * `finish` must not throw; depth 1 is strictly one item at a time.
 */
export async function readAhead<T, P>(
  source: AsyncIterable<T>,
  depth: number,
  prepare: (item: T) => Promise<P>,
  finish: (item: T, prepared: Prepared<P>) => Promise<void>,
): Promise<void> {
  const window: Promise<void>[] = [];
  let previous: Promise<void> = Promise.resolve();
  for await (const item of source) {
    const prepared = prepare(item).then(
      (value): Prepared<P> => ({ ok: true, value }),
      (error: unknown): Prepared<P> => ({ ok: false, error }),
    );
    previous = previous.then(async () => finish(item, await prepared));
    window.push(previous);
    // Back-pressure: no more than `depth` items between the source and the end of `finish`.
    if (window.length >= depth) await window.shift();
  }
  await previous;
}
