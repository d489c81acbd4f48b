import { describe, expect, it } from "vitest";
import { createStreamBarrier } from "../../services/secretariat/stream-barrier.js";

/** A read whose requests the test answers by hand: `sent` counts requests, `answer` settles the oldest. */
function manualRead() {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  let sent = 0;
  return {
    read: () => new Promise<number>((resolve, reject) => (sent++, pending.push({ resolve, reject }))),
    get sent() {
      return sent;
    },
    answer: (value: number) => pending.shift()!.resolve(value),
    fail: (err: Error) => pending.shift()!.reject(err),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("stream barrier - an answer always comes from a request sent after the question", () => {
  it("barrier - a caller arriving while a request is in flight waits for the next request, which it shares with the others", async () => {
    const r = manualRead();
    const barrier = createStreamBarrier(r.read);
    const first = barrier();
    expect(r.sent).toBe(1);
    const second = barrier();
    const third = barrier();
    expect(r.sent).toBe(1);
    r.answer(10); // stored before the second and third asked: too early for them
    expect(await first).toBe(10);
    await settle();
    expect(r.sent).toBe(2);
    r.answer(12);
    expect(await second).toBe(12);
    expect(await third).toBe(12);
  });

  it("barrier - a failed request fails the callers that shared it, and the next caller sends a new one", async () => {
    const r = manualRead();
    const barrier = createStreamBarrier(r.read);
    const first = barrier();
    r.fail(new Error("unreachable"));
    await expect(first).rejects.toThrow("unreachable");
    const next = barrier();
    expect(r.sent).toBe(2);
    r.answer(3);
    expect(await next).toBe(3);
  });
});
