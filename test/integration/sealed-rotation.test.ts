import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SealedData } from "../../schemas/sealed.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { ErrorCode } from "../../services/bus/core/errors.js";
import { sealedKidsInStreams } from "../../services/bus/admin/sealed-kids.js";
import { withUnseal } from "../../services/bus/consume/unseal.js";
import { generateEncryptionKey, toPublicEncJwk } from "../../services/bus/keys/encryption.js";
import { createPublisher, type Publisher } from "../../services/bus/publish/publisher.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier, type Verdict } from "../../services/bus/wire/verify.js";
import { createLiveDirectory, type LiveDirectory } from "../../services/secretariat/index.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS, publishGov } from "../helpers/secretariat.js";
import { makeSealedMembers } from "../helpers/sealed.js";

/**
 * Encryption keys over time (v1.1 §1b.1) through the live directory, which every member folds from
 * the signed governance key events: a rotation takes effect for every sealer at once, older
 * messages stay readable while the recipient keeps the older key, and nothing is sealed to a
 * member that has withdrawn.
 */
const config = loadConfig();
const members = await makeSealedMembers([...FOUNDERS, "sec"]);

let server: TestServer;
let bus: Bus;
let live: LiveDirectory;
let italy: Publisher;
beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
  live = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding: members.jwks, log: testLog });
  await live.ready();
  italy = createPublisher({ js: bus.js, signer: members.signers.it!, bounds: config.bounds, log: testLog, sealing: { directory: live, groups: live } });
});
afterAll(async () => {
  await live?.close();
  await bus?.close();
  await server?.stop();
});

const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "RED" as const, lang: "it" as const, data: { title: "Rotazione", summary: "Sigillato", body: "Testo.", keywords: ["prova"], offences: ["environmental-crime"] } };

async function storedJwe(seq: number): Promise<{ recipients: string[]; jwe: SealedData }> {
  const stored = await bus.jsm.streams.getMessage(StreamName.crime, { seq });
  const body = JSON.parse(new TextDecoder().decode(stored!.data)) as { recipients: string[]; data: SealedData };
  return { recipients: body.recipients, jwe: body.data };
}

async function readAs(member: string, keyring: Parameters<typeof withUnseal>[1]["keyring"], seq: number): Promise<Verdict> {
  const stored = await bus.jsm.streams.getMessage(StreamName.crime, { seq });
  const verify = withUnseal(createVerifier({ bounds: config.bounds, directory: live }), { member, keyring, bounds: config.bounds });
  return verify({ subject: stored!.subject, body: stored!.data, header: (n) => stored!.header.get(n) || undefined, receivedAt: stored!.time });
}

describe("sealed rotation - encryption keys change only by signed key events", () => {
  it("rotation - sealed after an enc-key rotation use the new key; the recipient reads older ones until it prunes that key", async () => {
    const before = await italy.publish({ ...bulletin, recipients: ["es"] });
    expect((await storedJwe(before.seq)).jwe.recipients[0]!.header.kid).toBe(members.enc.es!.kid);

    const next = await generateEncryptionKey("es");
    const rotation = await publishGov(bus, members.signers.es!, config.bounds, testLog, "enc-key-rotated", { next: toPublicEncJwk(next) });
    await live.waitForSeq(rotation.seq);
    const after = await italy.publish({ ...bulletin, recipients: ["es"] });
    expect((await storedJwe(after.seq)).jwe.recipients[0]!.header.kid).toBe(next.kid);

    const keyring = members.keyrings.es!.with(next);
    expect(await readAs("es", keyring, before.seq)).toMatchObject({ ok: true, sealed: { kid: members.enc.es!.kid } });
    expect(await readAs("es", keyring, after.seq)).toMatchObject({ ok: true, sealed: { kid: next.kid } });

    // Prune keeps what the streams still need; once the old message is gone, the old key goes too.
    const needed = await sealedKidsInStreams(bus.js, bus.jsm, "es", [StreamName.crime]);
    expect(keyring.prune(needed).destroyed).toEqual([]);
    await bus.jsm.streams.deleteMessage(StreamName.crime, before.seq);
    const pruned = keyring.prune(await sealedKidsInStreams(bus.js, bus.jsm, "es", [StreamName.crime]));
    expect(pruned.destroyed).toEqual([members.enc.es!.kid]);
    expect(await readAs("es", pruned.kept, after.seq)).toMatchObject({ ok: true });
    // A message sealed to the destroyed key, were one left, is now undecryptable for es.
    const late = await italy.publish({ ...bulletin, recipients: ["es"] });
    expect(await readAs("es", members.keyrings.es!, late.seq)).toMatchObject({ ok: false, reason: Reason.Undecryptable });
  });

  it("rotation - a member that withdrew is never sealed to: refused by name, left out of its working group", async () => {
    const formed = await publishGov(bus, members.signers.sec!, config.bounds, testLog, "working-group-formed", { area: "crime", name: "Waste trafficking", mandate: "Trace illegal e-waste shipments.", lead: "sn" });
    for (const code of ["ma", "es"]) await publishGov(bus, members.signers[code]!, config.bounds, testLog, "working-group-joined", { group: formed.id });
    const withdrew = await publishGov(bus, members.signers.ma!, config.bounds, testLog, "member-withdrew", { statement: "Test withdrawal." });
    await live.waitForSeq(withdrew.seq);

    await expect(italy.publish({ ...bulletin, recipients: ["ma", "es"] })).rejects.toMatchObject({ code: ErrorCode.RecipientInactive });
    const toGroup = await italy.publish({ ...bulletin, group: formed.id });
    const { recipients, jwe } = await storedJwe(toGroup.seq);
    expect(recipients).toEqual(["es", "sn"]);
    expect(jwe.recipients.map((r) => r.header.kid.split(":")[0])).toEqual(["es", "sn"]);
    await expect(italy.publish({ ...bulletin, group: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: ErrorCode.GroupUnknown });
  });
});
