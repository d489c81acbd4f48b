import { Kvm } from "@nats-io/kv";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { requesterFor } from "../../services/bus/core/requests.js";
import { isTransient } from "../../services/bus/core/retry.js";
import { openProcessedRecord, processedBucket } from "../../services/bus/consume/idempotency.js";
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
