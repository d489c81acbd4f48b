import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { ErrorCode } from "../../services/bus/core/errors.js";
import { memoryProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { subscribe, type Handler, type Rejection } from "../../services/bus/consume/subscriber.js";
import { generateMemberKey, toPublicJwk } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { createLiveDirectory, type LiveDirectory } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { craft, incoming, makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS, publishGov, verifyStored } from "../helpers/secretariat.js";

/**
 * Issue 10, finding 4: the live directory fails closed. A message received after a revocation
 * is never verified by a directory that has not folded the revocation yet: verification waits
 * (a transient failure, the subscriber naks with delay), then refuses it as key-revoked.
 */
const base = loadConfig();
// Quick redeliveries, and enough of them that waiting never runs a message out of deliveries here.
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, maxDeliver: 50, backoffSeconds: [0.2], ackWaitSeconds: 5 } });
const members = await makeMembers([...FOUNDERS, "sec"]);
const founding = members.publicJwks;

/** A hold on a directory's fold: while closed, every message after `from` waits before it is folded. */
function foldGate() {
  let from = Infinity;
  let open: () => void = () => undefined;
  let opened = Promise.resolve();
  return {
    hold(after: number) {
      from = after;
      opened = new Promise((resolve) => (open = resolve));
    },
    release() {
      from = Infinity;
      open();
    },
    beforeFold: async (seq: number) => {
      if (seq > from) await opened;
    },
  };
}

let server: TestServer;
let bus: Bus;
const directories: LiveDirectory[] = [];
const gates: ReturnType<typeof foldGate>[] = [];

async function heldDirectory(catchUpWaitMs = 300) {
  const gate = foldGate();
  gates.push(gate);
  const live = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding, log: testLog, catchUpWaitMs, faults: { beforeFold: gate.beforeFold } });
  directories.push(live);
  await live.ready();
  return { live, gate };
}

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
});
afterAll(async () => {
  for (const gate of gates) gate.release();
  for (const d of directories) await d.close();
  await bus?.close();
  await server?.stop();
});

const bulletin = (signer: (typeof members.signers)[string]) =>
  createPublisher({ js: bus.js, signer: signer!, bounds: config.bounds, log: testLog }).publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "fr", data: sampleCrimeBulletin() });

describe("live directory - trust fails closed", () => {
  it("race - a message signed with a key revoked before it arrived waits at a desk whose directory has not folded the revocation, then is refused as key-revoked", async () => {
    const { live, gate } = await heldDirectory();
    const accepted: AllianceEvent[] = [];
    const rejected: Rejection[] = [];
    await using sub = await subscribe({
      js: bus.js, jsm: bus.jsm, log: testLog,
      verify: createVerifier({ bounds: config.bounds, directory: live }),
      handler: (async (event) => void accepted.push(event)) as Handler,
      onRejected: (r) => void rejected.push(r),
      consumer: { stream: StreamName.crime, durable: "t-revocation-race", startFrom: "new", settings: config.subscriber },
      processed: async () => memoryProcessedRecord(),
    });

    // The desk's directory is held before the revocation; the message comes after it.
    gate.hold(live.lastSeq);
    const es = members.signers.es!;
    const revoked = await publishGov(bus, es, config.bounds, testLog, "key-revoked", { kid: es.kid, reason: "compromise", next: toPublicJwk(await generateMemberKey("es")) });
    const after = await bulletin(es);

    await waitFor("the desk's verification to wait for its directory (or to reach a verdict)", () => live.health().refusals >= 2 || accepted.length + rejected.length > 0, 180_000);
    expect(accepted).toEqual([]);
    expect(rejected).toEqual([]);
    expect(live.lastSeq).toBeLessThan(revoked.seq);
    expect(live.health()).toMatchObject({ behind: revoked.seq - live.lastSeq });
    expect(accepted).toEqual([]);
    expect(rejected).toEqual([]);

    gate.release();
    await waitFor("the refusal", () => rejected.length > 0, 180_000);
    expect(rejected).toEqual([expect.objectContaining({ reason: Reason.KeyRevoked, seq: after.seq })]);
    expect(accepted).toEqual([]);
    expect(live.health()).toMatchObject({ behind: 0, following: true });
    expect(live.health().behindSince).toBeUndefined();
  });

  it("race - a message from a member that withdrew before it arrived is not verified by a directory behind, then is refused as origin-inactive", async () => {
    const { live, gate } = await heldDirectory();
    gate.hold(live.lastSeq);
    const bh = members.signers.bh!;
    const withdrew = await publishGov(bus, bh, config.bounds, testLog, "member-withdrew", { statement: "Leaving the alliance." });
    const after = await bulletin(bh);
    expect(live.state().members.bh?.status).toBe("active");
    // Verified while the directory is held: no verdict, a transient error.
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, after.seq)).rejects.toMatchObject({ code: ErrorCode.DirectoryBehind });
    gate.release();
    await live.waitForSeq(withdrew.seq);
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, after.seq)).resolves.toMatchObject({ ok: false, reason: Reason.OriginInactive });
  });

  it("stalled - a directory whose fold cannot get to the stream's end makes verification wait, not pass, for as long as it lasts", async () => {
    const { live, gate } = await heldDirectory();
    gate.hold(live.lastSeq);
    // Anything stored in the secretariat stream that the directory cannot fold: it cannot vouch for later messages.
    await publishGov(bus, members.signers.sec!, config.bounds, testLog, "working-group-formed", { area: "crime", name: "Stalled fold", mandate: "Hold the fold.", lead: "ae" });
    const message = await bulletin(members.signers.fr!);
    for (let i = 0; i < 3; i++) {
      await expect(verifyStored(bus, config.bounds, live, StreamName.crime, message.seq)).rejects.toMatchObject({ code: ErrorCode.DirectoryBehind });
    }
    expect(live.health()).toMatchObject({ behind: 1 });
    expect(live.health().behindSince).toBeDefined();
    gate.release();
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, message.seq)).resolves.toMatchObject({ ok: true });
  });

  it("unreachable - with the server gone, verification waits instead of answering from the state reached", async () => {
    // A server of its own: this test stops it.
    const own = await startTestServer();
    const ownBus = await openTestBus(own.url, config);
    const live = await createLiveDirectory({ js: ownBus.js, jsm: ownBus.jsm, config, founding, log: testLog, catchUpWaitMs: 1_000 });
    try {
      await live.ready();
      const msg = await craft(members.signers.fr!);
      const verify = createVerifier({ bounds: config.bounds, directory: live });
      await expect(verify(incoming(msg))).resolves.toMatchObject({ ok: true });
      await own.stop();
      await expect(verify(incoming(msg))).rejects.toMatchObject({ code: ErrorCode.DirectoryBehind });
      expect(live.health().refusals).toBeGreaterThan(0);
    } finally {
      await live.close();
      await ownBus.nc.close();
      await own.stop().catch(() => undefined);
    }
  });
});
