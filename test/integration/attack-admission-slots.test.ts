import { copyFileSync, mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFileName } from "../../schemas/bundle.js";
import { openBus } from "../../services/bus/core/bus.js";
import { initMember } from "../../services/identity/bundles.js";
import { clientConnectOptions } from "../../services/identity/connect-options.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { ErrorCode, isAllianceError } from "../../services/bus/core/errors.js";
import { admitMemberCredentials, memberAdmissionHook, reconcileAdmittedMembers } from "../../services/identity/admit.js";
import { testLog } from "../helpers/nats.js";
import { fairShareTestConfig } from "../helpers/quotas.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

/**
 * Red team (issue 11, admission beyond maxMembers): the streams hold quotas.maxMembers members'
 * shares, and what a member stored stays in them after its broker identity is gone (a year on a
 * priority channel, for ever on the governance stream). The credential step counted only the
 * config's members and the one being admitted, so `alliance creds admit` (the runbook's
 * STEP=admitted) of a second applicant, with a config that lists neither, was accepted one
 * member over maxMembers, and rewrote the accounts without the first: its share stayed on the
 * streams while its slot was given again. Every member that holds credentials on the host counts.
 */
const config = fairShareTestConfig({ maxMembers: loadConfig().members.length + 1 });

let secure: SecureTestServer;
beforeAll(async () => {
  secure = await startSecureTestServer({ config });
}, 120_000);
afterAll(async () => {
  await secure?.stop();
});

describe("attack - admission slots given again while the streams hold the first holder's share", () => {
  it("a second admission beyond maxMembers is refused, and the first admitted member keeps its identity", async () => {
    const server = { pid: secure.server.process.pid!, httpPort: secure.server.httpPort };
    const credsDir = secure.security.auth.dir;
    const member = (code: string) => ({ code, country: { en: code, native: code }, ministry: "Ministry of Interior", lang: "ar" as const });
    await admitMemberCredentials({ config, member: member("jo"), credsDir, server, log: testLog });
    const jo = await secure.open("jo");
    await jo.close();

    // The config lists neither applicant (the runbook does not ask the operator to edit it).
    const second = await admitMemberCredentials({ config, member: member("kw"), credsDir, server, log: testLog }).then(() => undefined, (e: unknown) => e);
    expect(isAllianceError(second, ErrorCode.MemberQuotaExceeded)).toBe(true);
    const again = await secure.open("jo");
    expect(again.nc.isClosed()).toBe(false);
    await again.close();
  }, 120_000);
});

describe("attack - the secretariat's start-up reconcile gives credentials the admission refused", () => {
  it("a member the votes admitted beyond maxMembers gets no broker identity when gov run restarts", async () => {
    await using fresh = await startSecureTestServer({ config });
    const server = { pid: fresh.server.process.pid!, httpPort: fresh.server.httpPort };
    const root = mkdtempSync(join(tmpdir(), "alliance-slots-"));
    const bundlesDir = join(root, "bundles");
    mkdirSync(bundlesDir);
    const folders = Object.fromEntries(await Promise.all(["jo", "kw"].map(async (code) => {
      const folder = await initMember({ code, out: join(root, code), country: { en: code, native: code }, ministry: "Ministry of Interior", lang: "ar", contact: { unit: "International desk", email: `desk@${code}.example.org` } });
      copyFileSync(folder.bundleFile, join(bundlesDir, bundleFileName(code)));
      return [code, folder] as const;
    })));
    let record = ["jo"];
    const options = { config, credsDir: fresh.security.auth.dir, bundlesDir, server, admitted: async () => record, log: testLog };
    const hook = memberAdmissionHook(options);
    await hook({ code: "jo" });
    // The votes admit kw too: on the record, one over maxMembers; the hook refuses its credentials.
    record = ["jo", "kw"];
    await expect(hook({ code: "kw" })).rejects.toMatchObject({ code: ErrorCode.MemberQuotaExceeded });
    // gov run restarts and reconciles the accounts with the record.
    await reconcileAdmittedMembers(options).catch(() => undefined);
    const connect = (code: string) => openBus({
      servers: fresh.url, name: `slots-${code}`, config, log: testLog,
      connectOptions: { ...clientConnectOptions({ credsFile: folders[code]!.seedFile, caFile: fresh.security.certs.caFile, identity: code }), maxReconnectAttempts: 0 },
    });
    const jo = await connect("jo");
    await jo.close();
    const kw = await connect("kw").then(async (bus) => (await bus.close(), "connected"), () => "refused");
    expect(kw).toBe("refused");
  }, 120_000);
});
