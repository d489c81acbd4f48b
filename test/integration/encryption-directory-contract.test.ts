import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import type { EncryptionDirectory } from "../../services/bus/keys/encryption.js";
import { createLiveDirectory, type LiveDirectory } from "../../services/secretariat/index.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS } from "../helpers/secretariat.js";
import { makeSealedMembers } from "../helpers/sealed.js";

/**
 * One contract for every EncryptionDirectory (STYLE.md: a shared suite for the static and the live
 * directory): what the founding JWKS says of encryption keys, every implementation says.
 */
const config = loadConfig();
const members = await makeSealedMembers([...FOUNDERS, "sec"]);

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

const implementations: [string, () => Promise<EncryptionDirectory>][] = [
  ["static", async () => members.encryption],
  ["live", async () => {
    const d = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding: members.jwks, log: testLog });
    live.push(d);
    await d.ready();
    return d;
  }],
];

describe.each(implementations)("encryption directory contract - %s", (_name, make) => {
  it("contract - every founding member's current encryption key is its founding one; nobody else is sealable", async () => {
    const directory = await make();
    const now = new Date();
    for (const code of FOUNDERS) expect(directory.encryptionKeyOf(code, now)).toEqual({ status: "active", member: code, jwk: expect.objectContaining({ kid: members.enc[code]!.kid, x: members.enc[code]!.x }) });
    for (const code of ["sec", "jo"]) expect(directory.encryptionKeyOf(code, now).status).not.toBe("active");
    // Never a private member: the directory holds public halves only.
    for (const code of FOUNDERS) expect(JSON.stringify(directory.encryptionKeyOf(code, now))).not.toContain('"d"');
  });
});
