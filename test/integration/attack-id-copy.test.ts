import { describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { openProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { subscribe, type Rejection } from "../../services/bus/consume/subscriber.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { testLog, useTestBus } from "../helpers/nats.js";

/**
 * A hostile member copies another member's event id onto another stream. One consumer name spans
 * several streams (a desk declared on crime and border), and its processed records were keyed by
 * consumer and id alone: the desk whose border stream lagged handled fr's copy on crime first, then
 * refused es's genuine border event as a duplicate and never handled it. Records are keyed by
 * origin and id now (recordKeyOf): an event's identity is its source and id (CloudEvents).
 */
const config = loadConfig();
const members = await makeMembers();
const verify = createVerifier({ bounds: config.bounds, directory: members.directory });

const fixture = useTestBus(config);

describe("attack - an event id copied onto another stream", () => {
  it("the genuine event is handled where the copy arrived first; the copy is its sender's own event", async () => {
    const border = (await import("../../services/demo/scenario.js")).demoScenario.find((m) => m.channel === "border" && m.kind === "bulletin")!;
    const genuine = await createPublisher({ js: fixture.bus.js, signer: members.signers.es!, bounds: config.bounds, log: testLog })
      .publish({ channel: "border", kind: "bulletin", tlp: "GREEN", lang: "es", data: border.data });
    // fr read es's event and publishes its own under the same id, on crime.
    const copy = await createPublisher({ js: fixture.bus.js, signer: members.signers.fr!, bounds: config.bounds, log: testLog })
      .publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "fr", data: sampleCrimeBulletin(), id: genuine.id });
    expect(copy.id).toBe(genuine.id);

    const handled: AllianceEvent[] = [];
    const rejected: Rejection[] = [];
    const desk = (stream: string) => subscribe({
      js: fixture.bus.js, jsm: fixture.bus.jsm, verify, log: testLog, member: "it", onRejected: (r) => void rejected.push(r),
      consumer: { stream, durable: "it-desk", startFrom: "all", settings: config.subscriber },
      processed: (name) => openProcessedRecord(fixture.bus.js, name, config.bounds),
      handler: async (event) => void handled.push(event),
    });
    // The desk's crime stream is read first (its border one lags): it handles fr's copy.
    {
      await using _crime = await desk(StreamName.crime);
      await waitFor("fr's copy handled on crime", () => handled.some((e) => e.source === "fr"));
    }
    await using _border = await desk(StreamName.border);
    await waitFor("es's event handled on border", () => handled.some((e) => e.source === "es") || rejected.length > 0);
    expect(rejected).toEqual([]);
    expect(handled.map((e) => [e.source, e.id])).toEqual([["fr", genuine.id], ["es", genuine.id]]);
  });
});
