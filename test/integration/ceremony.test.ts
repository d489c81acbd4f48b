import { execFile, spawn } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFileName } from "../../schemas/bundle.js";
import { openBus, type Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { isAllianceError, ErrorCode } from "../../services/bus/core/errors.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { loadJwks, loadSigner } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { initMember, readBundle } from "../../services/identity/bundles.js";
import { clientConnectOptions } from "../../services/identity/connect-options.js";
import { provisionAccess } from "../../services/identity/provision.js";
import { publicKeyOfSeed } from "../../services/identity/nkeys.js";
import { renderClientTls, renderInclude } from "../../services/identity/server-config.js";
import { configFileOf, startNatsServer, type RunningNatsServer } from "../../services/natsd/server.js";
import { ALLIANCE_BIN } from "../helpers/cli.js";
import { waitFor } from "../helpers/collect.js";
import { publishGov } from "../helpers/secretariat.js";
import { readViews } from "../../services/secretariat/views.js";
import { applicantBulletin } from "../../services/demo/governance-texts.js";
import { sampleCrimeBulletin } from "../helpers/fixtures.js";
import { testLog } from "../helpers/nats.js";

/**
 * Issue 11: the founding set-up and an admission run with no member private key or seed on the
 * host. The runbook scripts of docs/operations.md run as they are, each ministry in its own
 * folder, the host in another; then every file of the host is searched for member secrets.
 */
const run = promisify(execFile);
const RUNBOOKS = join(import.meta.dirname, "../../scripts/runbooks");
const config = loadConfig();

let root: string;
let hostDir: string;
let inbox: string;
let env: NodeJS.ProcessEnv;
let server: RunningNatsServer;
const buses: Bus[] = [];
const memberDir = (code: string) => join(root, "ministries", code);

function script(name: string, extra: Record<string, string>) {
  return run("sh", [join(RUNBOOKS, name)], { env: { ...env, ...extra } });
}

async function connectAs(name: string, credsFile: string): Promise<Bus> {
  const bus = await openBus({ servers: server.url, name: `ceremony-${name}`, config, log: testLog, connectOptions: { ...clientConnectOptions({ credsFile, caFile: join(hostDir, "certs/ca.pem"), identity: name }), maxReconnectAttempts: 0 } });
  buses.push(bus);
  return bus;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "alliance-ceremony-"));
  hostDir = join(root, "host");
  inbox = join(hostDir, "bundles");
  mkdirSync(inbox, { recursive: true });
  // `alliance` on the PATH, as `npm ci` + `npm link` (or the image) provides it.
  const bin = join(root, "bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "alliance"), `#!/bin/sh\nexec node ${JSON.stringify(ALLIANCE_BIN)} "$@"\n`);
  chmodSync(join(bin, "alliance"), 0o755);
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, LOG_LEVEL: "warn", LOG_PRETTY: "false" };

  // Each ministry, at home: its own folder; only its bundle travels to the host.
  for (const member of config.members) {
    await script("member-init.sh", { CODE: member.code, MINISTRY_DIR: memberDir(member.code) });
    copyFileSync(join(memberDir(member.code), bundleFileName(member.code)), join(inbox, bundleFileName(member.code)));
  }
  await script("host-founding.sh", { BUNDLES: inbox, HOST_DIR: hostDir });
  const natsDir = join(hostDir, "nats");
  mkdirSync(natsDir, { recursive: true });
  const tls = renderClientTls({ certFile: join(hostDir, "certs/server.pem"), keyFile: join(hostDir, "certs/server-key.pem"), caFile: join(hostDir, "certs/ca.pem") });
  server = await startNatsServer({ dir: natsDir, extraConfig: `${renderInclude(relative(natsDir, join(hostDir, "creds/accounts.conf")))}${tls}` });
  const admin = await connectAs("admin", join(hostDir, "creds/admin.nk"));
  await provisionStreams(admin.jsm, config.bounds, testLog, config.quotas);
  await provisionAccess(admin, config, testLog);
}, 120_000);

afterAll(async () => {
  for (const bus of buses) await bus.close().catch(() => undefined);
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Every secret a ministry holds: its private JWKs' `d` values and its nkey seed. */
function ministrySecrets(code: string): string[] {
  const dir = memberDir(code);
  const secrets: string[] = [];
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), "utf8");
    if (file.endsWith(".jwk")) secrets.push((JSON.parse(text) as { d: string }).d);
    if (file.endsWith(".nk")) secrets.push(text.trim());
  }
  return secrets;
}

/** The runbook's `secretariat` step: `alliance gov run --bundles … --creds … --reload …` (exec'd, so the signal reaches it). */
function startSecretariat(): { stop(): Promise<void>; stderr(): string } {
  const child = spawn("sh", [join(RUNBOOKS, "host-admission.sh")], {
    env: { ...env, NATS_URL: server.url, NATS_CA: join(hostDir, "certs/ca.pem"), NATS_CREDS: join(hostDir, "creds/sec.nk"), STEP: "secretariat", HOST_DIR: hostDir, BUNDLES: inbox, NATS_PID: String(server.process.pid), NATS_HTTP_PORT: String(server.httpPort) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((r) => child.once("exit", r));
  return {
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

describe("member-side key ceremony (issue 11)", () => {
  it("founding: each member connects with its own seed and signs with its own key; the directory holds the bundles' keys", async () => {
    const directory = loadJwks(join(hostDir, "keys/directory.json"));
    for (const member of config.members) {
      expect(directory.keys.map((k) => k.kid)).toContain(readBundle(join(inbox, bundleFileName(member.code))).signing.kid);
    }
    const fr = await connectAs("fr", join(memberDir("fr"), "fr.nk"));
    const signer = await loadSigner(join(memberDir("fr"), "fr.jwk"));
    const receipt = await createPublisher({ js: fr.js, signer, bounds: config.bounds, log: testLog }).publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "fr", data: sampleCrimeBulletin() });
    expect(receipt.stream).toBe("ALLIANCE_CRIME");
  });

  it("admission: an applicant's bundle is filed by the secretariat and becomes a broker identity without its seed on the host", async () => {
    await script("member-init.sh", { CODE: "jo", MINISTRY_DIR: memberDir("jo"), COUNTRY: "Jordan", MINISTRY: "Ministry of Interior", LANG_CODE: "ar" });
    copyFileSync(join(memberDir("jo"), bundleFileName("jo")), join(inbox, bundleFileName("jo")));
    const nats = { NATS_URL: server.url, NATS_CA: join(hostDir, "certs/ca.pem") };
    const applied = await script("host-admission.sh", { ...nats, NATS_CREDS: join(hostDir, "creds/sec.nk"), BUNDLE: join(inbox, bundleFileName("jo")), HOST_DIR: hostDir, STEP: "apply" });
    expect(applied.stdout).toMatch(/membership-applied id=/);
    await script("host-admission.sh", { BUNDLE: join(inbox, bundleFileName("jo")), HOST_DIR: hostDir, STEP: "admitted", NATS_PID: String(server.process.pid), NATS_HTTP_PORT: String(server.httpPort) });
    const jo = await connectAs("jo", join(memberDir("jo"), "jo.nk"));
    const signer = await loadSigner(join(memberDir("jo"), "jo.jwk"));
    const receipt = await createPublisher({ js: jo.js, signer, bounds: config.bounds, log: testLog }).publish({ channel: "border", kind: "bulletin", tlp: "GREEN", lang: "ar", data: applicantBulletin });
    expect(receipt.stream).toBe("ALLIANCE_BORDER");
  });

  it("admission by the secretariat (gov run --bundles --creds): each member the votes admit connects with its own seed, and a second admission keeps the first", async () => {
    const nats = { NATS_URL: server.url, NATS_CA: join(hostDir, "certs/ca.pem") };
    const secretariat = startSecretariat();
    try {
      const voters = await Promise.all(config.members.map(async (m) => ({ bus: await connectAs(m.code, join(memberDir(m.code), `${m.code}.nk`)), signer: await loadSigner(join(memberDir(m.code), `${m.code}.jwk`)) })));
      const admin = await connectAs("admin", join(hostDir, "creds/admin.nk"));
      const admit = async (code: string, country: string) => {
        await script("member-init.sh", { CODE: code, MINISTRY_DIR: memberDir(code), COUNTRY: country, MINISTRY: "Ministry of Interior", LANG_CODE: "ar" });
        copyFileSync(join(memberDir(code), bundleFileName(code)), join(inbox, bundleFileName(code)));
        const applied = await script("host-admission.sh", { ...nats, NATS_CREDS: join(hostDir, "creds/sec.nk"), BUNDLE: join(inbox, bundleFileName(code)), HOST_DIR: hostDir, STEP: "apply" });
        const matter = /membership-applied id=([0-9a-f-]{36})/.exec(applied.stdout)![1]!;
        // Votes are not refused for arriving before the secretariat has folded the application: wait for it.
        await waitFor(`${code}'s application in the views`, async () => (await readViews(admin.js).catch(() => undefined))?.matters[matter] !== undefined, 60_000);
        for (const { bus, signer } of voters) await publishGov(bus, signer, config.bounds, testLog, "vote-cast", { on: "application", matter, vote: "approve" });
        // No `creds admit`: the secretariat's hook installs the bundle's nkey and reloads the server.
        let bus: Bus | undefined;
        await waitFor(`${code} connecting with its own seed`, async () => (bus = await connectAs(code, join(memberDir(code), `${code}.nk`)).catch(() => undefined)) !== undefined, 60_000);
        // Admissions need the unanimity of the active members: the new one votes on the next.
        voters.push({ bus: bus!, signer: await loadSigner(join(memberDir(code), `${code}.jwk`)) });
      };
      await admit("kw", "Kuwait");
      await admit("om", "Oman");
      // kw's identity survived om's admission (the config lists neither): a fresh connection works.
      const kw = await connectAs("kw", join(memberDir("kw"), "kw.nk"));
      const receipt = await createPublisher({ js: kw.js, signer: await loadSigner(join(memberDir("kw"), "kw.jwk")), bounds: config.bounds, log: testLog }).publish({ channel: "border", kind: "bulletin", tlp: "GREEN", lang: "ar", data: applicantBulletin });
      expect(receipt.stream).toBe("ALLIANCE_BORDER");
      for (const code of ["kw", "om"]) expect(existsSync(join(hostDir, "creds", `${code}.nk`))).toBe(false);
    } finally {
      await secretariat.stop();
    }
    expect(secretariat.stderr()).not.toMatch(/onMemberAdmitted failed|no bundle on the host/);
  }, 240_000);

  it("admission by the secretariat: restarted, it writes the accounts from the record, so a member that withdrew meanwhile is left out", async () => {
    const admin = await connectAs("admin", join(hostDir, "creds/admin.nk"));
    let secretariat = startSecretariat();
    try {
      const kw = await connectAs("kw", join(memberDir("kw"), "kw.nk"));
      await publishGov(kw, await loadSigner(join(memberDir("kw"), "kw.jwk")), config.bounds, testLog, "member-withdrew", { statement: "Kuwait withdraws." });
      // (Its start reloads the server once, to reconcile: JetStream may not answer for a moment.)
      await waitFor("kw's withdrawal in the views", async () => (await readViews(admin.js).catch(() => undefined))?.members.kw?.status === "withdrawn", 60_000);
      await secretariat.stop();
      // At its start it reconciles the accounts with the record: om stays, kw is gone.
      const accounts = join(hostDir, "creds/accounts.conf");
      const nkeyOf = (code: string) => readBundle(join(inbox, bundleFileName(code))).nkey;
      expect(readFileSync(accounts, "utf8")).toContain(nkeyOf("kw"));
      secretariat = startSecretariat();
      await waitFor("kw's identity gone from the accounts", () => !readFileSync(accounts, "utf8").includes(nkeyOf("kw")), 60_000);
      expect(readFileSync(accounts, "utf8")).toContain(nkeyOf("om"));
      await waitFor("kw refused by the broker", async () => {
        const bus = await connectAs("kw", join(memberDir("kw"), "kw.nk")).catch(() => undefined);
        return bus === undefined;
      }, 60_000);
      expect((await connectAs("om", join(memberDir("om"), "om.nk"))).nc.isClosed()).toBe(false);
    } finally {
      await secretariat.stop();
    }
  }, 240_000);

  it("gov run: admission flags come together, so the host never makes an admitted member's seed", async () => {
    for (const args of [["--creds", join(hostDir, "creds")], ["--bundles", inbox], ["--reload", "1"]]) {
      const refused = await run("node", [ALLIANCE_BIN, "gov", "run", "--key", join(hostDir, "keys/sec.jwk"), ...args], { env }).catch((e: { code: number; stderr: string }) => e);
      expect((refused as { code: number }).code).toBe(2);
      expect((refused as { stderr: string }).stderr).toMatch(/ERR_USAGE/);
    }
  });

  it("the host's files hold no member's private key or seed, and no seed but its own identities'", () => {
    const codes = [...config.members.map((m) => m.code), "jo", "kw", "om"];
    const secrets = codes.flatMap(ministrySecrets);
    expect(secrets.length).toBe(codes.length * 3);
    const hostIdentities = new Set(["sec", "monitor", "admin", "system"].map((n) => publicKeyOfSeed(new TextEncoder().encode(readFileSync(join(hostDir, "creds", `${n}.nk`), "utf8").trim()))));
    for (const file of filesUnder(hostDir)) {
      const text = readFileSync(file, "latin1");
      for (const secret of secrets) expect(text.includes(secret), `${relative(root, file)} holds a member secret`).toBe(false);
      for (const seed of text.match(/SU[A-Z2-7]{56}/g) ?? []) {
        expect(hostIdentities.has(publicKeyOfSeed(new TextEncoder().encode(seed))), `${relative(root, file)} holds a seed of no host identity`).toBe(true);
      }
      if (file.endsWith(".jwk")) expect(relative(hostDir, file)).toBe(join("keys", "sec.jwk"));
    }
    for (const code of codes) expect(existsSync(join(hostDir, "creds", `${code}.nk`))).toBe(false);
  });

  it("member init never replaces a private key without --force, and a bundle with a private key is refused", async () => {
    const out = memberDir("fr");
    const before = readFileSync(join(out, "fr.jwk"), "utf8");
    await expect(initMember({ code: "fr", out, country: { en: "France", native: "France" }, ministry: "M", lang: "fr", contact: { unit: "u" } })).rejects.toSatisfy((e: unknown) => isAllianceError(e, ErrorCode.KeyExists));
    const cli = await run("node", [ALLIANCE_BIN, "member", "init", "--code", "fr", "--out", out], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((cli as { code: number }).code).toBe(2);
    expect((cli as { stderr: string }).stderr).toMatch(/ERR_KEY_EXISTS/);
    expect(readFileSync(join(out, "fr.jwk"), "utf8")).toBe(before);
    expect(readFileSync(join(out, ".gitignore"), "utf8")).toMatch(/^\*$/m);
    const leaky = join(root, "leaky.bundle.json");
    const bundle = JSON.parse(readFileSync(join(out, bundleFileName("fr")), "utf8")) as Record<string, Record<string, string>>;
    writeFileSync(leaky, JSON.stringify({ ...bundle, signing: { ...bundle.signing, d: JSON.parse(before).d } }));
    expect(() => readBundle(leaky)).toThrow(/private key/);
  });
});
