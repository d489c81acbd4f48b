import { ALLIANCE_BIN, runAlliance } from "../helpers/cli.js";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { generateMemberKey, loadJwks, loadSigner, toPublicJwk } from "../../services/bus/keys/keys.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { Kvm } from "@nats-io/kv";
import { readViews, rebuildFromStream, ViewBucket } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS, publishGov } from "../helpers/secretariat.js";

const config = loadConfig();

let server: TestServer;
let bus: Bus;
let dir: string;
let env: NodeJS.ProcessEnv;
let service: ChildProcess | undefined;

function alliance(args: string[]) {
  return runAlliance(args, { env });
}

function startService(): ChildProcess {
  const child = spawn("node", [ALLIANCE_BIN, "secretariat", "run", "--key", join(dir, "keys/sec.jwk")], { env, stdio: "ignore" });
  service = child;
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
}

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  dir = mkdtempSync(join(tmpdir(), "alliance-sec-cli-"));
  // A short ack wait: a message the killed process held is redelivered to its successor soon.
  writeFileSync(join(dir, "alliance.json"), JSON.stringify({ ...config, subscriber: { ...config.subscriber, ackWaitSeconds: 2 } }));
  env = { ...process.env, NATS_URL: server.url, ALLIANCE_CONFIG: join(dir, "alliance.json"), ALLIANCE_DIRECTORY: join(dir, "keys/directory.json"), LOG_LEVEL: "warn", LOG_PRETTY: "false" };
  const init = await alliance(["keys", "init", "--out", join(dir, "keys")]);
  expect(init.code).toBe(0);
});
afterAll(async () => {
  if (service) await kill(service);
  await bus?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("secretariat cli", () => {
  it("cli - apply, vote and show: the secretariat process admits a member and the audit finds the views identical to a replay", async () => {
    startService();
    const jwk = await generateMemberKey("jo");
    writeFileSync(join(dir, "jo.pub.json"), JSON.stringify(toPublicJwk(jwk)));
    writeFileSync(join(dir, "jo.jwk"), JSON.stringify(jwk));
    const refused = await alliance(["secretariat", "apply", "--key", join(dir, "keys/sec.jwk"), "--code", "jo", "--country", "Jordan", "--ministry", "Ministry of Interior", "--lang", "ar", "--contact-unit", "International cooperation", "--public-key", join(dir, "jo.jwk")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("ERR_INPUT_INVALID");
    const notSec = await alliance(["gov", "apply", "--key", join(dir, "keys/fr.jwk"), "--code", "jo", "--country", "Jordan", "--ministry", "Ministry of Interior", "--lang", "ar", "--contact-unit", "International cooperation", "--public-key", join(dir, "jo.pub.json")]);
    expect(notSec.code).toBe(2);
    expect(notSec.stderr).toContain("ERR_USAGE");

    const applied = await alliance(["gov", "apply", "--json", "--key", join(dir, "keys/sec.jwk"), "--code", "jo", "--country", "Jordan", "--native", "الأردن", "--ministry", "Ministry of Interior", "--lang", "ar", "--contact-unit", "International cooperation", "--public-key", join(dir, "jo.pub.json")]);
    expect(applied.code, applied.stderr).toBe(0);
    const application = JSON.parse(applied.stdout) as { id: string };
    await waitFor("the application in the views", async () => (await readViews(bus.js))?.matters[application.id] !== undefined, 180_000);
    const vote = await alliance(["gov", "vote", application.id, "approve", "--key", join(dir, "keys/fr.jwk")]);
    expect(vote.code, vote.stderr).toBe(0);
    for (const code of FOUNDERS.filter((c) => c !== "fr")) {
      await publishGov(bus, await loadSigner(join(dir, `keys/${code}.jwk`)), config.bounds, testLog, "vote-cast", { on: "application", matter: application.id, vote: "approve" });
    }
    await waitFor("the admission", async () => (await readViews(bus.js))?.members.jo?.status === "active", 180_000);

    const shown = await alliance(["gov", "show", "members"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^jo\s+active\s+admitted/m);
    const audit = await alliance(["gov", "audit"]);
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stdout).toContain("views identical to the replay");
    expect(audit.stdout).toMatch(/membership-decided from=sec applied/);
  });

  it("cli - gov audit with another founding directory says so (ERR_DIRECTORY_INVALID), instead of every view 'differing'", async () => {
    // After the admission above, the views exist; another alliance's founding keys are not theirs.
    const other = join(dir, "other-keys");
    expect((await alliance(["keys", "init", "--out", other])).code).toBe(0);
    const audit = await alliance(["gov", "audit", "--directory", join(other, "directory.json")]);
    expect(audit.code, audit.stderr).toBe(2);
    expect(audit.stderr).toContain("ERR_DIRECTORY_INVALID");
    expect(audit.stderr).toContain("not the founding directory");
    expect(audit.stderr).not.toContain("ERR_AUDIT_MISMATCH");
  });

  it("cli - killed with SIGKILL again and again while members act, the secretariat process still converges on the replay", async () => {
    const founding = loadJwks(join(dir, "keys/directory.json"));
    const signers = Object.fromEntries(await Promise.all([...FOUNDERS, "sec"].map(async (c) => [c, await loadSigner(join(dir, `keys/${c}.jwk`))] as const)));
    const deadline = new Date(Date.now() + 3_600_000).toISOString();
    if (!service || service.exitCode !== null || service.signalCode !== null) startService();
    await waitFor("the secretariat's views", async () => (await readViews(bus.js)) !== undefined, 180_000);
    const projects: string[] = [];
    for (const title of ["Shared training calendar", "Joint port inspections", "Online propaganda takedowns", "Forged documents library"]) {
      projects.push((await publishGov(bus, signers.sec!, config.bounds, testLog, "project-proposed", { title, area: "crime", description: "A project of the members.", deadline })).id);
    }
    for (let round = 0; round < 3; round++) {
      const child = service && service.exitCode === null && service.signalCode === null ? service : startService();
      const before = (await bus.jsm.streams.info(StreamName.secretariat)).state.last_seq;
      for (const project of projects) {
        for (const code of FOUNDERS) {
          const kind = round % 2 === 0 ? "project-registered" : "project-withdrawn";
          await publishGov(bus, signers[code]!, config.bounds, testLog, kind, { project });
        }
      }
      // Kill it once it is into this round's 28 events: mid-write, or holding a message unacknowledged.
      const meta = await new Kvm(bus.js).open(ViewBucket.governance);
      const deadlineMs = Date.now() + 30_000;
      while ((((await meta.get("meta"))?.json<{ lastSeq: number }>().lastSeq) ?? 0) <= before + 3 && Date.now() < deadlineMs) await new Promise((r) => setImmediate(r));
      await kill(child);
    }
    startService();
    await waitFor("the secretariat to catch up and answer", async () => {
      const views = await readViews(bus.js);
      const info = await bus.jsm.streams.info(StreamName.secretariat);
      return views?.lastSeq === info.state.last_seq && Object.values(views.refusals).every((r) => r.answeredBy !== null);
    }, 180_000);
    const views = await readViews(bus.js);
    expect(views).toEqual(await rebuildFromStream(bus, { config, founding }));
    for (const project of projects) expect(Object.keys(views!.projects[project]!.registrations).sort()).toEqual([...FOUNDERS].sort());
  });
});
