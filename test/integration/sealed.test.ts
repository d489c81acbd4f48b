import { randomUUID } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import type { SealedData } from "../../schemas/sealed.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { ErrorCode } from "../../services/bus/core/errors.js";
import { memoryProcessedRecord } from "../../services/bus/consume/idempotency.js";
import { subscribe, type HandlerContext, type Rejection, type Subscription } from "../../services/bus/consume/subscriber.js";
import { withUnseal } from "../../services/bus/consume/unseal.js";
import { StaticKeyDirectory, type KeyDirectory } from "../../services/bus/keys/directory.js";
import type { EncKeyring } from "../../services/bus/keys/keyring.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import type { SealingDeps } from "../../services/bus/publish/seal.js";
import { readStream } from "../../services/bus/admin/read-stream.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { waitFor } from "../helpers/collect.js";
import { craft, sampleCrimeBulletin, sampleEnvelope } from "../helpers/fixtures.js";
import { openTestBus, startTestServer, testLog, type TestServer } from "../helpers/nats.js";
import { FOUNDERS } from "../helpers/secretariat.js";
import { makeSealedMembers } from "../helpers/sealed.js";

const base = loadConfig();
const config = parseConfig({ ...base, subscriber: { ...base.subscriber, maxDeliver: 3, backoffSeconds: [0.1, 0.2], ackWaitSeconds: 2 } });
const members = await makeSealedMembers([...FOUNDERS, "sec"]);
const directory = await StaticKeyDirectory.fromJwks(members.jwks);

let server: TestServer;
let bus: Bus;
const subscriptions: Subscription[] = [];
beforeAll(async () => {
  server = await startTestServer();
  bus = await openTestBus(server.url, config);
});
afterAll(async () => {
  await Promise.all(subscriptions.map((s) => s.stop()));
  await bus?.close();
  await server?.stop();
});

interface Desk {
  readonly accepted: { event: AllianceEvent; ctx: HandlerContext }[];
  readonly rejected: Rejection[];
}

/** A member's desk on the crime stream: verifies, unseals with `keyring` when given, records. */
async function desk(name: string, options: { member?: string; keyring?: EncKeyring; keys?: KeyDirectory } = {}): Promise<Desk> {
  const d: Desk = { accepted: [], rejected: [] };
  const verifier = createVerifier({ bounds: config.bounds, directory: options.keys ?? directory });
  const verify = options.member && options.keyring ? withUnseal(verifier, { member: options.member, keyring: options.keyring, bounds: config.bounds }) : verifier;
  subscriptions.push(await subscribe({
    js: bus.js, jsm: bus.jsm, verify, log: testLog, ...(options.member ? { member: options.member } : {}),
    consumer: { stream: StreamName.crime, durable: `${name}-${randomUUID().slice(0, 8)}`, startFrom: "new", settings: config.subscriber },
    processed: async () => memoryProcessedRecord(),
    handler: async (event, ctx) => void d.accepted.push({ event, ctx }),
    onRejected: (r) => void d.rejected.push(r),
  }));
  return d;
}

const publisherOf = (code: string, sealing: SealingDeps | null = { directory: members.encryption }) =>
  createPublisher({ js: bus.js, signer: members.signers[code]!, bounds: config.bounds, log: testLog, ...(sealing ? { sealing } : {}) });

function bulletin(marker: string) {
  const data = sampleCrimeBulletin() as Record<string, unknown>;
  return { ...data, title: `Rete ${marker}`, summary: `Sommario riservato ${marker}` };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const storeHolds = (marker: string) => filesUnder(server.dir).some((f) => readFileSync(f).includes(Buffer.from(marker)));
const titles = (d: Desk) => d.accepted.map((a) => (a.event.data as { title?: string }).title);

describe("sealed - only the named recipients can read (v1.1 §1b.2)", () => {
  it("sealed - no plaintext in the store's files or in any consumer the host or a non-recipient makes; each recipient reads it", async () => {
    const recipients = ["sn", "ma", "es"] as const;
    const desks = Object.fromEntries(await Promise.all(recipients.map(async (c) => [c, await desk(`desk-${c}`, { member: c, keyring: members.keyrings[c]! })] as const)));
    const uae = await desk("desk-ae", { member: "ae", keyring: members.keyrings.ae! });
    const host = await desk("host-admin");
    const secret = `SEALED-${randomUUID()}`;
    const open = `PLAIN-${randomUUID()}`;

    const sealed = await publisherOf("it").publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: [...recipients], handling: "H2", evaluation: "B2", data: bulletin(secret) });
    await publisherOf("it").publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "it", data: bulletin(open) });

    for (const code of recipients) {
      await waitFor(`${code} reads the sealed bulletin`, () => titles(desks[code]!).includes(`Rete ${secret}`));
      const got = desks[code]!.accepted.find((a) => a.event.id === sealed.id)!;
      expect(got.ctx.sealed).toEqual({ recipients: [...recipients], kid: members.enc[code]!.kid });
      expect(got.event).toMatchObject({ tlp: "RED", handling: "H2", evaluation: "B2", datacontenttype: "application/json" });
    }
    // The non-recipient and the host pass the sealed message (acked, no handler) and reach the next.
    for (const d of [uae, host]) {
      await waitFor("the plaintext control message", () => titles(d).includes(`Rete ${open}`));
      expect(d.accepted.map((a) => a.event.id)).not.toContain(sealed.id);
      expect(d.rejected).toEqual([]);
      expect(JSON.stringify(d.accepted)).not.toContain(secret);
    }

    // Any consumer the host makes on any stream sees ciphertext only.
    for (const stream of Object.values(StreamName)) {
      for await (const msg of readStream(bus.js, bus.jsm, stream)) expect(Buffer.from(msg.data).includes(Buffer.from(secret))).toBe(false);
    }
    const stored = await bus.jsm.streams.getMessage(StreamName.crime, { seq: sealed.seq });
    const body = JSON.parse(new TextDecoder().decode(stored!.data)) as { datacontenttype: string; data: SealedData };
    expect(body.datacontenttype).toBe("application/jose+json");
    expect(body.data.recipients.map((r) => r.header.kid)).toEqual(recipients.map((c) => members.enc[c]!.kid));

    // The broker's disk: the control's plaintext reaches the files, the sealed one never does.
    await waitFor("the control message in the store files", () => storeHolds(open), 180_000);
    expect(storeHolds(secret)).toBe(false);
  });

  it("sealed - a plaintext RED is quarantined as policy; a ciphertext lifted into another member's envelope is undecryptable", async () => {
    const es = await desk("desk-es-policy", { member: "es", keyring: members.keyrings.es! });
    const it = members.signers.it!;
    const plainRed = await craft(it, { envelope: sampleEnvelope("it", { tlp: "RED", lang: "it" }) });
    const sealed = await publisherOf("it").publish({ channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "it", recipients: ["es"], data: bulletin("lifted") });
    const original = JSON.parse(new TextDecoder().decode((await bus.jsm.streams.getMessage(StreamName.crime, { seq: sealed.seq }))!.data)) as Record<string, unknown>;
    // France signs an envelope of its own around Italy's ciphertext: the signature holds, the aad does not.
    const lifted = await craft(members.signers.fr!, { envelope: { ...sampleEnvelope("fr"), datacontenttype: "application/jose+json", recipients: ["es"], data: original.data } });
    for (const m of [plainRed, lifted]) await bus.js.publish(m.subject, m.body, { msgID: m.headers["Nats-Msg-Id"]!, headers: toHeaders(m.headers) });

    await waitFor("both quarantined", () => es.rejected.length >= 2);
    expect(es.rejected.map((r) => r.reason)).toEqual([Reason.Policy, Reason.Undecryptable]);
    expect(es.accepted.map((a) => a.event.id)).toEqual([sealed.id]);
  });

  it("sealed - the publisher refuses a plaintext RED or AMBER+STRICT, H3 without its note, recipients without a directory, and a non-member recipient", async () => {
    const data = sampleCrimeBulletin();
    const event = { channel: "crime" as const, kind: "bulletin", lang: "it" as const, data };
    await expect(publisherOf("it").publish({ ...event, tlp: "RED" })).rejects.toMatchObject({ code: ErrorCode.PolicyRefused });
    await expect(publisherOf("it").publish({ ...event, tlp: "AMBER+STRICT" })).rejects.toMatchObject({ code: ErrorCode.PolicyRefused });
    await expect(publisherOf("it").publish({ ...event, tlp: "AMBER", handling: "H3" })).rejects.toMatchObject({ code: ErrorCode.PolicyRefused });
    await expect(publisherOf("it", null).publish({ ...event, tlp: "AMBER", recipients: ["es"] })).rejects.toMatchObject({ code: ErrorCode.SealUnavailable });
    await expect(publisherOf("it").publish({ ...event, tlp: "RED", recipients: ["jo"] })).rejects.toMatchObject({ code: ErrorCode.RecipientNoKey });
  });
});

function toHeaders(values: Record<string, string>) {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(values)) h.set(k, v);
  return h;
}
