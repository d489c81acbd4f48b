import { setTimeout as sleep } from "node:timers/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { orderingKeyOf, schedule } from "../../services/bus/consume/scheduler.js";

async function* from<T>(list: readonly T[]): AsyncGenerator<T> {
  for (const item of list) yield item;
}

interface Item {
  readonly key: string;
  readonly n: number;
  readonly waitMs: number;
}

describe("scheduler - concurrent across keys, in order within a key", () => {
  it("scheduler - each key's items finish in source order whatever their await lengths, and no key runs two at once", async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ key: fc.constantFrom("ae", "bh", "fr"), waitMs: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }),
      async (raw, depth, concurrency) => {
        const items: Item[] = raw.map((r, n) => ({ ...r, n }));
        const finished: Item[] = [];
        const running = new Set<string>();
        let most = 0;
        let open = 0;
        let mostOpen = 0;
        await schedule(from(items), { depth, concurrency, keyOf: (i) => i.key }, async (i) => {
          open++;
          mostOpen = Math.max(mostOpen, open);
          await sleep(i.waitMs % 2);
          return i.n;
        }, async (i) => {
          expect(running.has(i.key)).toBe(false);
          running.add(i.key);
          most = Math.max(most, running.size);
          await sleep(i.waitMs);
          running.delete(i.key);
          finished.push(i);
          open--;
        });
        expect(finished).toHaveLength(items.length);
        for (const key of ["ae", "bh", "fr"]) expect(finished.filter((i) => i.key === key).map((i) => i.n)).toEqual(items.filter((i) => i.key === key).map((i) => i.n));
        expect(most).toBeLessThanOrEqual(concurrency);
        expect(mostOpen).toBeLessThanOrEqual(depth);
      },
    ), { numRuns: 40 });
  });

  it("scheduler - different keys overlap: the first key's item waits on a promise only the second key's item resolves", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const log: string[] = [];
    await schedule(from(["a1", "b1", "a2"]), { depth: 8, concurrency: 2, keyOf: (s) => s[0] }, async (s) => s, async (s) => {
      log.push(`start ${s}`);
      if (s === "a1") await released;
      if (s === "b1") release();
      log.push(`end ${s}`);
    });
    expect(log).toEqual(["start a1", "start b1", "end b1", "end a1", "start a2", "end a2"]);
  });

  it("scheduler - one key waits: with every item under the same key nothing overlaps, even with many slots", async () => {
    let inside = 0;
    let overlapped = false;
    const seen: number[] = [];
    await schedule(from([...Array(30).keys()]), { depth: 10, concurrency: 10, keyOf: () => "fr" }, async (i) => i, async (i) => {
      if (++inside > 1) overlapped = true;
      await sleep(i % 3);
      seen.push(i);
      inside--;
    });
    expect(overlapped).toBe(false);
    expect(seen).toEqual([...Array(30).keys()]);
  });

  it("scheduler - the concurrency bound holds for unkeyed items", async () => {
    let inside = 0;
    let most = 0;
    await schedule(from([...Array(40).keys()]), { depth: 40, concurrency: 3, keyOf: () => undefined }, async (i) => i, async () => {
      most = Math.max(most, ++inside);
      await sleep(1);
      inside--;
    });
    expect(most).toBe(3);
  });

  it("scheduler - ordering keys: origin is the subject's origin token, subject the whole subject, none no key", () => {
    expect(orderingKeyOf("origin", "alliance.crime.fr.bulletin")).toBe("fr");
    expect(orderingKeyOf("origin", "alliance.crime.fr.alert")).toBe("fr");
    expect(orderingKeyOf("subject", "alliance.crime.fr.bulletin")).toBe("alliance.crime.fr.bulletin");
    expect(orderingKeyOf("none", "alliance.crime.fr.bulletin")).toBeUndefined();
    expect(orderingKeyOf("origin", "odd")).toBe("odd");
  });
});
