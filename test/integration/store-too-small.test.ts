import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { openBus, type Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { ErrorCode } from "../../services/bus/core/errors.js";
import { serverMaxFileStoreBytes } from "../../schemas/quotas.js";
import { startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { fairShareTestConfig } from "../helpers/quotas.js";

// A server whose JetStream store is smaller than the streams reserve (as `nats-server -js` is on
// most disks, against the default quotas): provisioning says so, with a stable code, what is
// needed and where to set it, instead of the client's "insufficient storage resources available".
const small = fairShareTestConfig();
const defaults = loadConfig();
let server: TestServer, bus: Bus;

beforeAll(async () => {
  server = await startTestServer({ quotas: small.quotas });
  bus = await openBus({ servers: server.url, name: "test", config: defaults, log: testLog });
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

describe("provisioning - a store too small for the quotas' reservations is named, with what it needs", () => {
  it("streams - the default quotas on a small store: ERR_STORE_TOO_SMALL, the stream, the bytes needed and the remedy", async () => {
    const refused = await provisionStreams(bus.jsm, defaults.bounds, testLog, defaults.quotas).catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: ErrorCode.StoreTooSmall });
    const message = (refused as Error).message;
    expect(message).toMatch(/^stream ALLIANCE_\w+ reserves \d+ bytes/);
    expect(message).toContain(`reserve ${serverMaxFileStoreBytes(defaults.quotas, defaults.bounds.replicas)} bytes on each server`);
    expect(message).toContain("config/nats/dev.conf");
  });

  it("streams - the quotas the store was sized for are provisioned on the same server", async () => {
    const outcomes = await provisionStreams(bus.jsm, small.bounds, testLog, small.quotas);
    expect(outcomes.map((o) => o.action)).not.toContain("unchanged");
    expect(outcomes).toHaveLength(5);
  });
});
