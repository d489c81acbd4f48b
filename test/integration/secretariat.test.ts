import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { generateMemberKey, signerFromJwk, toPublicJwk } from "../../services/bus/keys/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createLiveDirectory, createSecretariat, readViews, rebuildFromStream, type LiveDirectory, type Secretariat } from "../../services/secretariat/index.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { applicationData, FOUNDERS, publishGov, streamEvents, verifyStored } from "../helpers/secretariat.js";

const base = loadConfig();
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, ackWaitSeconds: 2 } });
const members = await makeMembers([...FOUNDERS, "sec"]);
const founding = members.publicJwks;
const sec = members.signers.sec!;

let server: TestServer;
let bus: Bus;
let secretariat: Secretariat;
let live: LiveDirectory;
let joApplication = "";
const admitted: Record<string, Awaited<ReturnType<typeof signerFromJwk>>> = {};

const gov = (signer: string, kind: string, data: unknown) => publishGov(bus, members.signers[signer]!, config.bounds, testLog, kind, data);
const bulletin = async (signer: Parameters<typeof createPublisher>[0]["signer"]) =>
  createPublisher({ js: bus.js, signer, bounds: config.bounds, log: testLog }).publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "fr", data: sampleCrimeBulletin() });

beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  secretariat = createSecretariat({ config, bus, log: testLog, signer: sec, founding });
  await secretariat.start();
  live = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding, log: testLog });
  await live.ready();
});
afterAll(async () => {
  await live?.close();
  await secretariat?.stop();
  await bus?.close();
  await server?.stop();
});

async function admit(code: string) {
  const jwk = await generateMemberKey(code as never);
  const applied = await gov("sec", "membership-applied", applicationData(code, toPublicJwk(jwk)));
  for (const voter of FOUNDERS) await gov(voter, "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
  await waitFor(`${code}'s admission`, () => secretariat.state().members[code]?.status === "active");
  admitted[code] = await signerFromJwk(jwk);
  return { signer: admitted[code], application: applied.id };
}

describe("secretariat - admission by vote, live directory", () => {
  it("admission - the founders' votes admit a new member; its bulletins verify with the live directory, not with the static one", async () => {
    const { signer, application } = await admit("jo");
    joApplication = application;
    const decided = secretariat.state().matters;
    expect(Object.values(decided).find((m) => m.kind === "application")!.decision).toMatchObject({ outcome: "admitted" });
    await waitFor("the live directory to know jo's key", () => live.lookup(signer.kid, new Date()).status === "active");

    const receipt = await bulletin(signer);
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, receipt.seq)).resolves.toMatchObject({ ok: true, kid: signer.kid });
    await expect(verifyStored(bus, config.bounds, members.directory, StreamName.crime, receipt.seq)).resolves.toMatchObject({ ok: false, reason: "unknown-key" });
  });

  it("refusals - a second vote is answered with a signed action-rejected naming it and its reason", async () => {
    const applied = await gov("sec", "membership-applied", applicationData("pt"));
    await gov("fr", "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
    const second = await gov("fr", "vote-cast", { on: "application", matter: applied.id, vote: "reject" });
    await waitFor("the answer", () => secretariat.state().refusals[second.id]?.answeredBy != null);
    const refusal = secretariat.state().refusals[second.id]!;
    expect(refusal).toMatchObject({ reason: "already-voted", actor: "fr", kind: "vote-cast" });
    const answer = await bus.jsm.streams.getMessage(StreamName.secretariat, { last_by_subj: "alliance.secretariat.sec.action-rejected" });
    expect(answer!.json<{ data: unknown }>().data).toMatchObject({ action: second.id, reason: "already-voted", actor: "fr" });
    expect(Object.keys(secretariat.state().matters[applied.id]!.votes)).toEqual(["fr"]);
  });

  it("trust - a decision the host signs without the votes admits no one, here or in the live directory", async () => {
    const jwk = toPublicJwk(await generateMemberKey("gr" as never));
    const applied = await gov("sec", "membership-applied", applicationData("gr", jwk));
    const vote = await gov("ae", "vote-cast", { on: "application", matter: applied.id, vote: "approve" });
    const forged = await gov("sec", "membership-decided", { application: applied.id, outcome: "admitted", votes: [vote.id], rule: { kind: "unanimity" } });
    await live.waitForSeq(forged.seq);
    await waitFor("the refusal", () => secretariat.state().refusals[forged.id] !== undefined);
    expect(secretariat.state().refusals[forged.id]).toMatchObject({ reason: "votes-insufficient" });
    expect(secretariat.state().members.gr).toBeUndefined();
    expect(live.lookup(jwk.kid, new Date(Date.now() + 1000))).toEqual({ status: "unknown" });
  });
});

describe("secretariat - suspension and revocation reach every verifier", () => {
  it("suspension - a suspended member's new messages are refused as origin-inactive, its earlier ones still verify", async () => {
    const before = await bulletin(members.signers.sn!);
    const motion = await gov("sec", "motion-filed", { action: "suspend", member: "sn", grounds: "Test of the sanctions procedure." });
    const voters = Object.values(secretariat.state().members).filter((m) => m.status === "active" && m.code !== "sn").map((m) => m.code);
    expect(voters).toContain("jo");
    for (const voter of voters) await publishGov(bus, voter === "jo" ? admitted.jo! : members.signers[voter]!, config.bounds, testLog, "vote-cast", { on: "motion", matter: motion.id, vote: "approve" });
    await waitFor("the suspension", () => secretariat.state().members.sn?.status === "suspended");
    await waitFor("the live directory", () => live.state().members.sn?.status === "suspended");
    const after = await bulletin(members.signers.sn!);
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, after.seq)).resolves.toMatchObject({ ok: false, reason: "origin-inactive" });
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, before.seq)).resolves.toMatchObject({ ok: true });
  });

  it("revocation - a member revokes its key: later messages with it are refused, earlier ones verify, the replacement verifies", async () => {
    const old = members.signers.it!;
    const earlier = await bulletin(old);
    const nextJwk = await generateMemberKey("it");
    const revoked = await gov("it", "key-revoked", { kid: old.kid, reason: "compromise", next: toPublicJwk(nextJwk) });
    await live.waitForSeq(revoked.seq);
    const later = await bulletin(old);
    const replacement = await bulletin(await signerFromJwk(nextJwk));
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, later.seq)).resolves.toMatchObject({ ok: false, reason: "key-revoked" });
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, earlier.seq)).resolves.toMatchObject({ ok: true });
    await expect(verifyStored(bus, config.bounds, live, StreamName.crime, replacement.seq)).resolves.toMatchObject({ ok: true });
  });
});

describe("secretariat - views", () => {
  it("views - the KV views, the service's state and a rebuild from the stream alone are equal", async () => {
    const info = await bus.jsm.streams.info(StreamName.secretariat);
    await waitFor("the secretariat to fold everything and answer", async () => {
      const s = await bus.jsm.streams.info(StreamName.secretariat);
      return secretariat.state().lastSeq === s.state.last_seq && s.state.last_seq >= info.state.last_seq
        && Object.values(secretariat.state().refusals).every((r) => r.answeredBy !== null);
    });
    const stored = await readViews(bus.js);
    const rebuilt = await rebuildFromStream(bus, { config, founding });
    expect(stored).toEqual(secretariat.state());
    expect(rebuilt).toEqual(stored);
    // The service decided jo's application exactly once (the other decision is the host's forgery).
    const decisions = (await streamEvents(bus)).filter((e) => e.kind === "membership-decided" && e.data.application === joApplication);
    expect(decisions).toHaveLength(1);
  });
});
