import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { HandledWindow } from "../../services/bus/consume/handled-window.js";
import { readAhead, type Prepared } from "../../services/bus/consume/scheduler.js";

async function* items(count: number, log?: string[]): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    log?.push(`read ${i}`);
    yield i;
  }
}

describe("read-ahead - prepared ahead, finished in order", () => {
  it("read-ahead - finish sees items in source order even when their preparation ends out of order", async () => {
    const finished: number[] = [];
    await readAhead(items(40), 8, async (i) => {
      await sleep((40 - i) % 7);
      return i * 10;
    }, async (i, prepared) => {
      expect(prepared).toEqual({ ok: true, value: i * 10 });
      finished.push(i);
    });
    expect(finished).toEqual([...Array(40).keys()]);
  });

  it("read-ahead - never more than depth items between the source and the end of finish, and preparations overlap", async () => {
    let open = 0;
    let most = 0;
    let preparing = 0;
    let mostPreparing = 0;
    await readAhead(items(50), 5, async (i) => {
      open++;
      most = Math.max(most, open);
      preparing++;
      mostPreparing = Math.max(mostPreparing, preparing);
      await sleep(2);
      preparing--;
      return i;
    }, async () => {
      await sleep(1);
      open--;
    });
    expect(most).toBeLessThanOrEqual(5);
    expect(mostPreparing).toBeGreaterThan(1);
  });

  it("read-ahead - depth 1 prepares the next item only after the previous one is finished", async () => {
    const log: string[] = [];
    await readAhead(items(3, log), 1, async (i) => void log.push(`prepare ${i}`), async (i) => void log.push(`finish ${i}`));
    expect(log).toEqual(["read 0", "prepare 0", "finish 0", "read 1", "prepare 1", "finish 1", "read 2", "prepare 2", "finish 2"]);
  });

  it("read-ahead - a failed preparation reaches finish as an error, in its place, and the rest go on", async () => {
    const seen: [number, Prepared<number>][] = [];
    await readAhead(items(4), 4, async (i) => {
      if (i === 1) throw new Error("lookup failed");
      return i;
    }, async (i, prepared) => void seen.push([i, prepared]));
    expect(seen.map(([i, p]) => [i, p.ok])).toEqual([[0, true], [1, false], [2, true], [3, true]]);
    expect((seen[1]![1] as { error: Error }).error.message).toBe("lookup failed");
  });
});

describe("handled window - covers look-ups that ran ahead of a record", () => {
  it("handled window - an id stays until its record is stored and every message read before that has finished, in any order", async () => {
    const window = new HandledWindow();
    const early = [window.read(), window.read(), window.read()];
    let store!: () => void;
    const recorded = new Promise<void>((resolve) => (store = resolve));
    window.handled("a", "S:1", recorded);
    for (let i = 0; i < 10; i++) window.finished(window.read());
    expect(window.get("a")?.position).toBe("S:1"); // not stored yet: kept however many pass
    const beforeStore = window.read(); // read (and looked up) before the record is stored
    store();
    await recorded;
    const afterStore = window.read();
    window.finished(afterStore);
    window.finished(early[2]!);
    window.finished(early[0]!);
    expect(window.get("a")).toBeDefined(); // early[1] and beforeStore may still have missed it
    window.finished(beforeStore);
    expect(window.get("a")).toBeDefined();
    window.finished(early[1]!);
    expect(window.get("a")).toBeUndefined();
    expect(window.size).toBe(0);
  });

  it("handled window - a failed write expires the same way, and a newer entry for the id is not removed by the older one", async () => {
    const window = new HandledWindow();
    const ticket = window.read();
    const failed = Promise.reject(new Error("write failed"));
    window.handled("a", "S:1", failed);
    await failed.catch(() => undefined);
    await Promise.resolve();
    window.handled("a", "S:9", new Promise(() => {}));
    window.finished(ticket);
    window.finished(window.read());
    expect(window.get("a")?.position).toBe("S:9");
  });
});
