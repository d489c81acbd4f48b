import { Kvm } from "@nats-io/kv";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { requesterFor } from "../../services/bus/core/requests.js";
import { isTransient } from "../../services/bus/core/retry.js";
import { openProcessedRecord, processedBucket } from "../../services/bus/consume/idempotency.js";
import { allowDirectReadsOfSingleReplica } from "../../services/bus/admin/streams.js";
import { useTestBus } from "../helpers/nats.js";

const config = loadConfig();
const fixture = useTestBus(config);

describe("processed record - the light request path answers as the KV client does", () => {
  it("record - written, read back by position; a deleted or purged record and an old timestamp value read as the KV client reads them", async () => {
    const record = await openProcessedRecord(fixture.bus.js, "es-record-test", config.bounds);
    expect(await record.handledAt("never")).toBeUndefined();
    await record.add("one", "ALLIANCE_CRIME:7");
    expect(await record.handledAt("one")).toBe("ALLIANCE_CRIME:7");
    // The same value written again is harmless (a re-ack after a lost ack writes it again).
    await record.add("one", "ALLIANCE_CRIME:7");
    expect(await record.handledAt("one")).toBe("ALLIANCE_CRIME:7");

    const kv = await new Kvm(fixture.bus.js).open(processedBucket("es"));
    await record.add("deleted", "ALLIANCE_CRIME:8");
    await kv.delete("es-record-test.deleted");
    expect(await record.handledAt("deleted")).toBeUndefined();
    await record.add("purged", "ALLIANCE_CRIME:9");
    await kv.purge("es-record-test.purged");
    expect(await record.handledAt("purged")).toBeUndefined();
    await kv.put("es-record-test.old", "1764547200000");
    expect(await record.handledAt("old")).toBe("");
    // Another consumer's record of the same id is not this consumer's.
    const other = await openProcessedRecord(fixture.bus.js, "es-other-test", config.bounds);
    expect(await other.handledAt("one")).toBeUndefined();
  });

  it("record - a single-replica bucket is read by direct get; one made before (allow_direct off) by its leader, with the same answers, until provisioning allows direct reads", async () => {
    const seen: string[] = [];
    // Requests are plain messages: a subscriber on the API subjects sees which read each one is.
    const spy = fixture.bus.nc.subscribe("$JS.API.>", { callback: (_err, msg) => void (msg.subject.includes(processedBucket("ma")) && seen.push(msg.subject.startsWith("$JS.API.DIRECT.GET.") ? "direct" : msg.subject.startsWith("$JS.API.STREAM.MSG.GET.") ? "leader" : "other")) });
    const readsBy = async (consumer: string) => {
      await fixture.bus.nc.flush();
      seen.length = 0;
      const record = await openProcessedRecord(fixture.bus.js, consumer, config.bounds);
      await record.add("kept", "ALLIANCE_CRIME:3");
      const answers = [await record.handledAt("kept"), await record.handledAt("never")];
      await fixture.bus.nc.flush();
      return { answers, reads: [...new Set(seen.filter((r) => r !== "other"))] };
    };
    // A bucket as an earlier version made it.
    await new Kvm(fixture.bus.js).create(processedBucket("ma"), { history: 1, replicas: 1, allow_direct: false });
    // The open's one check for records of the old key layout is a leader read in both cases.
    const before = await readsBy("ma-old-bucket");
    expect(before).toEqual({ answers: ["ALLIANCE_CRIME:3", undefined], reads: ["leader"] });
    await allowDirectReadsOfSingleReplica(fixture.bus.jsm, processedBucket("ma"));
    expect((await fixture.bus.jsm.streams.info(`KV_${processedBucket("ma")}`)).config.allow_direct).toBe(true);
    const after = await readsBy("ma-direct");
    expect(after.answers).toEqual(["ALLIANCE_CRIME:3", undefined]);
    expect(after.reads).toContain("direct");
    // Each lookup is one direct get; only the open's layout check goes by the leader.
    expect(seen.filter((r) => r === "leader")).toHaveLength(1);
    spy.unsubscribe();
  });

  it("record - an id that is not a valid key (a wildcard would read another key's record) is refused, not looked up", async () => {
    const record = await openProcessedRecord(fixture.bus.js, "es-record-test", config.bounds);
    await record.add("target", "ALLIANCE_CRIME:1");
    await expect(record.handledAt("*")).rejects.toThrow(/invalid key/);
    await expect(record.handledAt("tar get")).rejects.toThrow(/invalid key/);
    await expect(record.add(">", "x")).rejects.toThrow(/invalid key/);
  });

  it("requests - no responders and no answer fail with the client's transient errors; an answer resolves", async () => {
    const requester = requesterFor(fixture.bus.nc);
    const noOne = await requester.request("nobody.listens.here", "x", { timeoutMs: 2_000 }).catch((err: unknown) => err);
    expect((noOne as Error).name).toBe("NoResponders");
    expect(isTransient(noOne)).toBe(true);

    const silent = fixture.bus.nc.subscribe("listens.never.answers");
    const late = await requester.request("listens.never.answers", "x", { timeoutMs: 200 }).catch((err: unknown) => err);
    expect((late as Error).name).toBe("TimeoutError");
    expect(isTransient(late)).toBe(true);
    silent.unsubscribe();

    const echo = fixture.bus.nc.subscribe("echo.here", { callback: (_err, msg) => void msg.respond(msg.data) });
    const replies = await Promise.all(["a", "b", "c"].map((s) => requester.request("echo.here", s)));
    expect(replies.map((m) => m.string())).toEqual(["a", "b", "c"]);
    echo.unsubscribe();
  });
});
