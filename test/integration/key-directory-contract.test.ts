import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { StaticKeyDirectory, type KeyDirectory } from "../../services/bus/keys/directory.js";
import { signDetached, verifyDetached, parseSignatureHeader } from "../../services/bus/wire/jws.js";
import { createLiveDirectory, type LiveDirectory } from "../../services/secretariat/index.js";
import { makeMembers } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS, publishGov } from "../helpers/secretariat.js";

/**
 * One contract for every KeyDirectory (STYLE.md: a shared suite for the static and the live
 * directory). What the founding directory says, every implementation says: its keys are active,
 * for ever, for their own member; anything else is unknown.
 */
const config = loadConfig();
const members = await makeMembers([...FOUNDERS, "sec"]);
const body = new TextEncoder().encode('{"contract":"key directory"}');

let server: TestServer;
let bus: Bus;
const live: LiveDirectory[] = [];
beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
});
afterAll(async () => {
  for (const d of live) await d.close();
  await bus?.close();
  await server?.stop();
});

async function liveDirectory(): Promise<KeyDirectory> {
  const d = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding: members.publicJwks, log: testLog });
  live.push(d);
  await d.ready();
  return d;
}

const implementations: [string, () => Promise<KeyDirectory>][] = [
  ["static", () => StaticKeyDirectory.fromJwks(members.publicJwks)],
  ["live, empty secretariat stream", liveDirectory],
  [
    "live, after governance events that touch no key",
    async () => {
      await publishGov(bus, members.signers.sec!, config.bounds, testLog, "working-group-formed", { area: "crime", name: "Financial investigation", mandate: "Trace illicit funds.", lead: "ae" });
      await publishGov(bus, members.signers.fr!, config.bounds, testLog, "vote-cast", { on: "application", matter: "6a1f1a39-4f53-4b8e-9d43-0c6f7c0d3b11", vote: "approve" });
      return liveDirectory();
    },
  ],
];

describe.each(implementations)("key directory contract - %s", (_name, make) => {
  let directory: KeyDirectory;
  beforeAll(async () => {
    directory = await make();
  });

  it("contract - every founding key is active for its own member, and its key verifies that member's signature", async () => {
    for (const code of [...FOUNDERS, "sec"]) {
      const signer = members.signers[code]!;
      const found = directory.lookup(signer.kid, new Date());
      expect(found).toMatchObject({ status: "active", member: code });
      if (found.status !== "active") continue;
      const header = parseSignatureHeader(await signDetached(body, signer.kid, signer.key));
      if (!header.ok) throw new Error(header.detail);
      expect(await verifyDetached(body, header.value, found.key)).toBe(true);
      const other = members.signers[code === "fr" ? "es" : "fr"]!;
      const foreign = parseSignatureHeader(await signDetached(body, signer.kid, other.key));
      if (!foreign.ok) throw new Error(foreign.detail);
      expect(await verifyDetached(body, foreign.value, found.key)).toBe(false);
    }
  });

  it("contract - a founding key is active at any receive time, past or future", () => {
    for (const at of [new Date("2000-01-01T00:00:00Z"), new Date("2017-02-19T09:00:00Z"), new Date(), new Date("2099-12-31T23:59:59Z")]) {
      expect(directory.lookup(members.signers.ma!.kid, at)).toMatchObject({ status: "active", member: "ma" });
    }
  });

  it("contract - a kid not in the directory is unknown: another key id, another origin, a look-alike", () => {
    const at = new Date();
    for (const kid of ["fr:not-a-key", "zz:2026-01", `${members.signers.fr!.kid}x`, members.signers.fr!.kid.replace("fr:", "es:")]) {
      expect(directory.lookup(kid, at)).toEqual({ status: "unknown" });
    }
  });

  it("contract - a directory that follows a stream has caught up with it once ready", async () => {
    if (directory.caughtUp) await expect(directory.caughtUp(new Date())).resolves.toEqual({ ok: true });
  });

  it("contract - lookups are synchronous", () => {
    const result = directory.lookup(members.signers.sec!.kid, new Date()) as unknown;
    expect(result).not.toBeInstanceOf(Promise);
    expect(result).toMatchObject({ status: "active", member: "sec" });
  });
});
