import { runAlliance, withoutProgress } from "../helpers/cli.js";
import { readFileSync, statSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AllianceEvent } from "../../schemas/envelope.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { connectBus } from "../../services/bus/core/connect.js";
import { ErrorCode, isAllianceError } from "../../services/bus/core/errors.js";
import { openProcessedRecord, recordKeyOf } from "../../services/bus/consume/idempotency.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import { listQuarantine } from "../../services/bus/admin/quarantine-report.js";
import { readStream } from "../../services/bus/admin/read-stream.js";
import { subscribe } from "../../services/bus/consume/subscriber.js";
import { createQuarantineWriter } from "../../services/bus/consume/quarantine.js";
import { Header } from "../../services/bus/wire/headers.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { headers } from "@nats-io/transport-node";
import { StreamName } from "../../services/bus/wire/subjects.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { admitMemberCredentials } from "../../services/identity/admit.js";
import { ensureCertificates } from "../../services/identity/certs.js";
import { readerNamesFor } from "../../services/identity/permissions.js";
import { permissionViolation } from "../../services/identity/violations.js";
import { waitFor } from "../helpers/collect.js";
import { makeMembers, sampleCrimeBulletin } from "../helpers/fixtures.js";
import { testLog } from "../helpers/nats.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

const base = loadConfig();
const config = parseConfig({
  ...base,
  access: {
    consumers: [
      { owner: "fr", name: "fr-desk", channels: ["crime", "border"], startFrom: "all" },
      { owner: "es", name: "es-desk", channels: ["crime"], startFrom: "all" },
    ],
    readers: ["sec", "es"],
    readerSlots: 2,
  },
});
const members = await makeMembers(["fr", "es", "sec"]);
const bulletin = { channel: "crime" as const, kind: "bulletin", tlp: "AMBER" as const, lang: "fr" as const, data: sampleCrimeBulletin() };

let secure: SecureTestServer;
let fr: Bus;
let es: Bus;
let admin: Bus;
beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  [fr, es, admin] = await Promise.all([secure.open("fr"), secure.open("es"), secure.open("admin")]);
});
afterAll(async () => {
  await Promise.all([fr?.close(), es?.close(), admin?.close()]);
  await secure?.stop();
});

/** Runs `operation` and returns the broker's refusal it must end in. */
async function refusal(operation: () => Promise<unknown>) {
  const err = await operation().then(() => undefined, (e: unknown) => e);
  expect(err, "the operation must be refused").toBeDefined();
  const violation = permissionViolation(err);
  expect(violation, `expected a permissions violation, got: ${String(err)}`).toBeDefined();
  return violation!;
}

describe("identity - what a member may do", () => {
  it("member - publishes under its own code and reads through its own consumer, acks and records, with least privilege", async () => {
    const publisher = createPublisher({ js: fr.js, signer: members.signers.fr!, bounds: config.bounds, log: testLog });
    const receipt = await publisher.publish(bulletin);
    const got: AllianceEvent[] = [];
    const sub = await subscribe({
      js: fr.js, jsm: fr.jsm, log: testLog, member: "fr",
      verify: createVerifier({ bounds: config.bounds, directory: members.directory }),
      consumer: { stream: StreamName.crime, durable: "fr-desk", startFrom: "all", settings: config.subscriber },
      processed: (name) => openProcessedRecord(fr.js, name, config.bounds),
      handler: async (event) => void got.push(event),
    });
    await waitFor("fr's desk to handle the bulletin", () => got.some((e) => e.id === receipt.id));
    await sub.stop();
    await waitFor("the ack to reach the server", async () => (await admin.jsm.consumers.info(StreamName.crime, "fr-desk")).num_ack_pending === 0);
    const kv = await new Kvm(admin.js).open("ALLIANCE_PROCESSED_fr");
    expect((await kv.get(`fr-desk.${recordKeyOf({ source: "fr", id: receipt.id })}`))?.string()).toContain(`${StreamName.crime}:`);
  });

  it("member - publishing on another member's subject is a permissions violation", async () => {
    const violation = await refusal(() => fr.js.publish("alliance.crime.es.bulletin", "{}"));
    expect(violation).toEqual({ operation: "publish", subject: "alliance.crime.es.bulletin" });
    expect((await refusal(() => fr.js.publish("alliance.secretariat.sec.vote-counted", "{}"))).subject).toBe("alliance.secretariat.sec.vote-counted");
  });

  it("member - stream, account and server administration are refused", async () => {
    const stream = StreamName.crime;
    expect((await refusal(() => fr.jsm.streams.delete(stream))).subject).toBe(`$JS.API.STREAM.DELETE.${stream}`);
    expect((await refusal(() => fr.jsm.streams.purge(stream))).subject).toBe(`$JS.API.STREAM.PURGE.${stream}`);
    expect((await refusal(() => fr.nc.request(`$JS.API.STREAM.UPDATE.${stream}`, JSON.stringify({ name: stream, subjects: ["alliance.crime.>"], max_msgs: 1 })))).subject).toBe(`$JS.API.STREAM.UPDATE.${stream}`);
    expect((await refusal(() => fr.jsm.streams.add({ name: "FR_OWN", subjects: ["fr.>"] }))).subject).toBe("$JS.API.STREAM.CREATE.FR_OWN");
    for (const subject of ["$JS.API.ACCOUNT.PURGE.ALLIANCE", `$JS.API.STREAM.RESTORE.${stream}`, "$JS.API.SERVER.REMOVE", `$JS.API.STREAM.SNAPSHOT.${stream}`, `$JS.API.STREAM.MSG.DELETE.${stream}`]) {
      expect((await refusal(() => fr.nc.request(subject, "{}", { timeout: 5_000 }))).subject).toBe(subject);
    }
    const info = await admin.jsm.streams.info(stream);
    expect(info.config.max_msgs).toBe(-1);
    expect(info.state.messages).toBeGreaterThan(0);
  });

  it("member - another member's consumer can be neither created, read, acked nor deleted, and its own not re-created", async () => {
    const crime = StreamName.crime;
    expect((await refusal(() => fr.jsm.consumers.add(crime, { durable_name: "es-desk", ack_policy: AckPolicy.Explicit }))).subject).toBe(`$JS.API.CONSUMER.CREATE.${crime}.es-desk`);
    expect((await refusal(() => fr.jsm.consumers.info(crime, "es-desk"))).subject).toBe(`$JS.API.CONSUMER.INFO.${crime}.es-desk`);
    expect((await refusal(() => fr.nc.request(`$JS.API.CONSUMER.MSG.NEXT.${crime}.es-desk`, JSON.stringify({ batch: 1 }), { timeout: 5_000 }))).subject).toBe(`$JS.API.CONSUMER.MSG.NEXT.${crime}.es-desk`);
    expect((await refusal(() => fr.jsm.consumers.delete(crime, "es-desk"))).subject).toBe(`$JS.API.CONSUMER.DELETE.${crime}.es-desk`);
    const ack = `$JS.ACK.${crime}.es-desk.1.1.1.1700000000000000000.0`;
    expect((await refusal(() => fr.nc.request(ack, "+ACK", { timeout: 5_000 }))).subject).toBe(ack);
    // Not even its own: whoever may create a consumer may aim a push consumer's deliver subject
    // at another member's subject (docs/security.md). The administrator provisions consumers.
    const push = () => fr.jsm.consumers.add(crime, { name: "fr-desk", ack_policy: AckPolicy.None, deliver_subject: "alliance.crime.es.bulletin", deliver_policy: DeliverPolicy.All });
    expect((await refusal(push)).subject).toBe(`$JS.API.CONSUMER.CREATE.${crime}.fr-desk`);
    expect((await refusal(() => fr.jsm.consumers.add(crime, { ack_policy: AckPolicy.None }))).subject).toBe(`$JS.API.CONSUMER.CREATE.${crime}`);
    // The other member's record of handled ids cannot be written: no one can mark es's ids handled.
    const own = await new Kvm(fr.js).create("ALLIANCE_PROCESSED_fr");
    expect((await refusal(() => own.put("es-desk.some-id", "x"))).subject).toBe("$KV.ALLIANCE_PROCESSED_fr.es-desk.some-id");
    const bucket = "ALLIANCE_PROCESSED_es";
    expect((await refusal(() => fr.nc.request(`$KV.${bucket}.es-desk.some-id`, "x", { timeout: 5_000 }))).subject).toBe(`$KV.${bucket}.es-desk.some-id`);
    expect((await admin.jsm.consumers.info(crime, "es-desk")).config.deliver_subject).toBeUndefined();
  });

  it("member - another member's processed record cannot be read, listed or counted; its own can (issue 11)", async () => {
    // es's desk handles a bulletin: its record says so, in es's own bucket.
    const receipt = await createPublisher({ js: fr.js, signer: members.signers.fr!, bounds: config.bounds, log: testLog }).publish(bulletin);
    const record = await openProcessedRecord(es.js, "es-desk", config.bounds);
    await record.add(receipt.id, `${StreamName.crime}:1`);
    const esBucket = "KV_ALLIANCE_PROCESSED_es";
    // The listing and the counts: stream info with a subject filter.
    expect((await refusal(() => fr.jsm.streams.info(esBucket, { subjects_filter: ">" }))).subject).toBe(`$JS.API.STREAM.INFO.${esBucket}`);
    // A read by the leader, key in the body; and a direct get.
    expect((await refusal(() => fr.jsm.streams.getMessage(esBucket, { last_by_subj: `$KV.ALLIANCE_PROCESSED_es.es-desk.${receipt.id}` }))).subject).toBe(`$JS.API.STREAM.MSG.GET.${esBucket}`);
    expect((await refusal(() => fr.nc.request(`$JS.API.DIRECT.GET.${esBucket}.$KV.ALLIANCE_PROCESSED_es.es-desk.${receipt.id}`, "", { timeout: 5_000 }))).subject).toBe(`$JS.API.DIRECT.GET.${esBucket}.$KV.ALLIANCE_PROCESSED_es.es-desk.${receipt.id}`);
    // The shared bucket of earlier versions is gone: nothing to read there either.
    expect((await refusal(() => fr.jsm.streams.info("KV_ALLIANCE_PROCESSED", { subjects_filter: ">" }))).subject).toBe("$JS.API.STREAM.INFO.KV_ALLIANCE_PROCESSED");
    // es reads its own.
    expect(await record.handledAt(receipt.id)).toBe(`${StreamName.crime}:1`);
    const own = await es.jsm.streams.info(esBucket, { subjects_filter: ">" });
    expect(Object.keys(own.state.subjects ?? {})).toContain(`$KV.ALLIANCE_PROCESSED_es.es-desk.${receipt.id}`);
  });

  it("member - subscribing to '>', to the alliance subjects or to another's inbox is refused", async () => {
    for (const subject of [">", "alliance.>", "alliance.crime.es.bulletin", "_INBOX_es.>", "_INBOX.>"]) {
      const sub = fr.nc.subscribe(subject);
      const closed = await sub.closed;
      expect(permissionViolation(closed), `subscribe ${subject}`).toEqual({ operation: "subscription", subject });
    }
    expect(fr.nc.isClosed()).toBe(false);
  });

  it("member - a stream outside its channels and the quarantine stream are not readable", async () => {
    const restricted = parseConfig({ ...config, access: { ...config.access, channels: { fr: ["crime"] }, consumers: [{ owner: "fr", name: "fr-desk", channels: ["crime"] }] } });
    await using server = await startSecureTestServer({ config: restricted });
    const bus = await server.open("fr");
    try {
      expect((await refusal(() => bus.jsm.streams.info(StreamName.border))).subject).toBe(`$JS.API.STREAM.INFO.${StreamName.border}`);
      // Not even its own channels' streams: stream info tells per-subject counts, who published how much.
      expect((await refusal(() => bus.jsm.streams.info(StreamName.crime))).subject).toBe(`$JS.API.STREAM.INFO.${StreamName.crime}`);
      const read = async () => { for await (const _ of readStream(bus.js, bus.jsm, StreamName.quarantine)) break; };
      expect((await refusal(read)).subject).toBe(`$JS.API.CONSUMER.CREATE.${StreamName.quarantine}`);
      expect((await refusal(() => listQuarantine(bus.js, bus.jsm, undefined, ["fr-reader-1"]))).subject).toBe(`$JS.API.CONSUMER.INFO.${StreamName.quarantine}.fr-reader-1`);
    } finally {
      await bus.close();
    }
  });
});

describe("identity - quarantine evidence cannot be suppressed or forged (issue 10, finding 3)", () => {
  const secOpen = () => secure.open("sec");
  const entriesFor = async (seq: number) => {
    const sec = await secOpen();
    try {
      return (await listQuarantine(sec.js, sec.jsm, undefined, readerNamesFor("sec", StreamName.quarantine, config))).filter((e) => e.originalStream === StreamName.crime && e.originalSeq === seq);
    } finally {
      await sec.close();
    }
  };

  it("quarantine - a member writes under its own prefix only: another writer's prefix and the bare reason subject are refused", async () => {
    expect((await refusal(() => es.js.publish("alliance.quarantine.fr.bad-signature", "{}"))).subject).toBe("alliance.quarantine.fr.bad-signature");
    expect((await refusal(() => es.js.publish("alliance.quarantine.sec.bad-signature", "{}"))).subject).toBe("alliance.quarantine.sec.bad-signature");
    expect((await refusal(() => es.js.publish("alliance.quarantine.bad-signature", "{}"))).subject).toBe("alliance.quarantine.bad-signature");
    await es.js.publish("alliance.quarantine.es.bad-signature", "{}");
  });

  it("quarantine - a member cannot pre-empt another writer's copy of its hostile message by publishing first under a predictable id", async () => {
    const hostile = await es.js.publish("alliance.crime.es.bulletin", "{\"not\":\"signed\"}", { msgID: `es-hostile-${Date.now()}` });
    // Every id es could predict from what it can read: the v1 layout, and the writer's code with any suffix.
    for (const msgID of [`${StreamName.crime}.${hostile.seq}.unsigned`, `fr:${StreamName.crime}.${hostile.seq}.unsigned`, `fr.${StreamName.crime}.${hostile.seq}.unsigned`]) {
      await es.js.publish("alliance.quarantine.es.unsigned", "{}", { msgID });
    }
    const sub = await subscribe({
      js: fr.js, jsm: fr.jsm, log: testLog, member: "fr",
      verify: createVerifier({ bounds: config.bounds, directory: members.directory }),
      consumer: { stream: StreamName.crime, durable: "fr-desk", startFrom: "all", settings: config.subscriber },
      processed: (name) => openProcessedRecord(fr.js, name, config.bounds),
      quarantine: createQuarantineWriter(fr.js, { writer: "fr", secret: readFileSync(join(secure.security.auth.dir, "fr.nk")) }),
      handler: async () => undefined,
    });
    try {
      await waitFor("fr's copy of the hostile message", async () => (await entriesFor(hostile.seq)).some((e) => e.writer === "fr"), 180_000);
    } finally {
      await sub.stop();
    }
    const copy = (await entriesFor(hostile.seq)).find((e) => e.writer === "fr")!;
    expect(copy).toMatchObject({ reason: "unsigned", claimedOrigin: "es", consumer: "fr-desk" });
  }, 180_000);

  it("quarantine - an entry a member fabricates is attributed to that member, whatever its headers claim", async () => {
    const h = headers();
    h.set(Header.QuarantineConsumer, "fr-desk");
    h.set(Header.QuarantineReason, "bad-signature");
    h.set(Header.OriginalSubject, "alliance.crime.fr.bulletin");
    h.set(Header.OriginalStream, StreamName.crime);
    h.set(Header.OriginalSeq, "999999");
    await es.js.publish("alliance.quarantine.es.bad-signature", "{}", { headers: h });
    const sec = await secOpen();
    try {
      const forged = (await listQuarantine(sec.js, sec.jsm, { reason: Reason.BadSignature }, readerNamesFor("sec", StreamName.quarantine, config))).filter((e) => e.originalSeq === 999999);
      expect(forged.map((e) => e.writer)).toEqual(["es"]);
      expect((await listQuarantine(sec.js, sec.jsm, { writer: "fr" }, readerNamesFor("sec", StreamName.quarantine, config))).filter((e) => e.originalSeq === 999999)).toEqual([]);
    } finally {
      await sec.close();
    }
  });
});

describe("identity - the other identities", () => {
  it("readers - a trusted identity reads through a reader consumer named from its own pool, and removes it", async () => {
    const names = readerNamesFor("es", StreamName.crime, config);
    expect(names).toEqual(["es-reader-1", "es-reader-2"]);
    const seen: string[] = [];
    for await (const msg of readStream(es.js, es.jsm, StreamName.crime, { readerNames: names })) seen.push(msg.subject);
    expect(seen.length).toBeGreaterThan(0);
    const left = [];
    for await (const c of admin.jsm.consumers.list(StreamName.crime)) left.push(c.name);
    expect(left.filter((n) => n.startsWith("es-reader"))).toEqual([]);
    // The pool is the whole of it: any other name is refused.
    expect((await refusal(() => readStream(es.js, es.jsm, StreamName.crime, { readerNames: ["es-reader-9"] }).next()))).toMatchObject({ subject: `$JS.API.CONSUMER.INFO.${StreamName.crime}.es-reader-9` });
  });

  it("secretariat - publishes governance events only, and may read quarantine through its readers", async () => {
    const sec = await secure.open("sec");
    try {
      await sec.js.publish("alliance.secretariat.sec.membership-decided", "{}");
      expect((await refusal(() => sec.js.publish("alliance.crime.sec.bulletin", "{}"))).subject).toBe("alliance.crime.sec.bulletin");
      expect((await refusal(() => sec.js.publish("alliance.secretariat.fr.vote-cast", "{}"))).subject).toBe("alliance.secretariat.fr.vote-cast");
      await expect(listQuarantine(sec.js, sec.jsm, undefined, readerNamesFor("sec", StreamName.quarantine, config))).resolves.toBeInstanceOf(Array);
      expect((await refusal(() => sec.jsm.streams.purge(StreamName.quarantine))).subject).toBe(`$JS.API.STREAM.PURGE.${StreamName.quarantine}`);
    } finally {
      await sec.close();
    }
  });

  it("monitor - reads stream and consumer info, and cannot publish, pull or administer", async () => {
    const monitor = await secure.open("monitor");
    try {
      expect((await monitor.jsm.streams.info(StreamName.crime)).config.name).toBe(StreamName.crime);
      const names = [];
      for await (const c of monitor.jsm.consumers.list(StreamName.crime)) names.push(c.name);
      expect(names).toContain("fr-desk");
      expect((await refusal(() => monitor.js.publish("alliance.crime.fr.bulletin", "{}"))).subject).toBe("alliance.crime.fr.bulletin");
      expect((await refusal(() => monitor.nc.request(`$JS.API.CONSUMER.MSG.NEXT.${StreamName.crime}.fr-desk`, "{}", { timeout: 5_000 }))).subject).toBe(`$JS.API.CONSUMER.MSG.NEXT.${StreamName.crime}.fr-desk`);
      expect((await refusal(() => monitor.jsm.streams.delete(StreamName.crime))).subject).toBe(`$JS.API.STREAM.DELETE.${StreamName.crime}`);
      // Its quarantine tally reads headers through ordered consumers, on the quarantine stream only.
      const ordered = await monitor.js.consumers.get(StreamName.quarantine, { name_prefix: "alliance_monitor_test", headers_only: true });
      for await (const _ of await ordered.fetch({ max_messages: 10, expires: 1_000 })) { /* drained */ }
      const elsewhere = await refusal(() => monitor.js.consumers.get(StreamName.crime, { name_prefix: "alliance_monitor_test" }).then((c) => c.fetch({ max_messages: 1, expires: 1_000 })).then(async (b) => { for await (const _ of b) { /* drained */ } }));
      expect(elsewhere.subject).toMatch(new RegExp(`^\\$JS\\.API\\.CONSUMER\\.CREATE\\.${StreamName.crime}\\.alliance_monitor_test`));
    } finally {
      await monitor.close();
    }
  });
});

describe("identity - who may connect", () => {
  it("connect - a plaintext client is refused: the server requires TLS", async () => {
    const port = secure.server.port;
    const transcript = await new Promise<string>((resolve) => {
      let text = "";
      const socket = tcpConnect(port, "127.0.0.1");
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
        if (text.includes("\r\n") && !text.includes("CONNECT-SENT")) {
          socket.write('CONNECT {"verbose":false,"pedantic":false,"protocol":1}\r\nPING\r\n');
          text += "CONNECT-SENT";
        }
      });
      socket.on("close", () => resolve(text));
      socket.on("error", () => socket.destroy());
      setTimeout(() => socket.destroy(), 10_000).unref();
    });
    const info = JSON.parse(/^INFO (\{.*\})\s*\r\n/.exec(transcript)![1]!);
    expect(info.tls_required).toBe(true);
    expect(transcript).not.toContain("PONG");
    await waitFor("the refusal in the server log", () => readFileSync(join(secure.dir, "nats", "nats-server.log"), "utf8").includes("TLS handshake error"));
  });

  it("connect - an unauthenticated client, or an unknown key, is refused with ERR_CONNECT_AUTH", async () => {
    const caFile = secure.security.certs.caFile;
    const attempt = (options: object) => connectBus({ servers: secure.url, name: "intruder", options: { maxReconnectAttempts: 0, ...options } }, testLog);
    const none = await attempt({ tls: { caFile } }).catch((e: unknown) => e);
    expect(isAllianceError(none, ErrorCode.ConnectAuth), String(none)).toBe(true);
    expect((none as Error).message).toContain("authorization violation");
  });

  it("connect - a client that trusts another CA, or none, is refused with a TLS error", async () => {
    const other = ensureCertificates(join(secure.dir, "other-ca"), { caName: "Another CA" });
    const options = secure.security.clientOptions("fr");
    const wrongCa = await connectBus({ servers: secure.url, name: "fr", options: { ...options, tls: { caFile: other.caFile }, maxReconnectAttempts: 0 } }, testLog).catch((e: unknown) => e);
    expect(isAllianceError(wrongCa, ErrorCode.ConnectTlsVerify), String(wrongCa)).toBe(true);
    const noCa = await connectBus({ servers: secure.url, name: "fr", options: { ...options, tls: undefined, maxReconnectAttempts: 0 } }, testLog).catch((e: unknown) => e);
    expect(isAllianceError(noCa, ErrorCode.ConnectTlsRequired), String(noCa)).toBe(true);
  });

  it("connect - with mutual TLS, a client without its certificate is refused and one with it gets in", async () => {
    await using server = await startSecureTestServer({ config, mutualTls: true, provision: false });
    const bus = await server.open("fr");
    await bus.close();
    const { caFile } = server.security.certs;
    const refused = await connectBus({ servers: server.url, name: "fr", options: { ...server.security.clientOptions("fr"), tls: { caFile }, maxReconnectAttempts: 0, timeout: 5_000 } }, testLog).catch((e: unknown) => e);
    // The server drops the connection once the handshake shows no client certificate.
    expect(isAllianceError(refused, ErrorCode.ConnectFailed), String(refused)).toBe(true);
    expect((refused as Error).message).toContain("NATS_CERT");
  });

  it("creds - seeds are 0600, and the server config holds public keys in accounts only", () => {
    const { auth } = secure.security;
    for (const key of auth.keys) expect(statSync(key.seedFile!).mode & 0o777).toBe(0o600);
    const text = readFileSync(auth.accountsFile, "utf8");
    expect(text).toMatch(/accounts \{/);
    expect(text).not.toMatch(/authorization\s*\{|no_auth_user/);
    expect(text).not.toMatch(/\bSU[A-Z2-7]{50,}/);
    for (const key of auth.keys) expect(text).toContain(key.publicKey);
  });
});

describe("identity - admission", () => {
  it("reload - a newly admitted member connects after a reload, without a restart, and is as confined as the others", async () => {
    const pid = secure.server.process.pid!;
    const before = await fetch(`http://127.0.0.1:${secure.server.httpPort}/varz`).then((r) => r.json() as Promise<{ start: string }>);
    const admitted = await admitMemberCredentials({
      config,
      member: { code: "jo", country: { en: "Jordan", native: "الأردن" }, ministry: "Ministry of Interior", lang: "ar" },
      credsDir: secure.security.auth.dir,
      server: { pid, httpPort: secure.server.httpPort },
    });
    expect(admitted.reloaded).toBe(true);
    const jo = await secure.open("jo");
    try {
      expect((await jo.js.publish("alliance.border.jo.bulletin", "{}")).stream).toBe(StreamName.border);
      expect((await refusal(() => jo.js.publish("alliance.border.fr.bulletin", "{}"))).subject).toBe("alliance.border.fr.bulletin");
    } finally {
      await jo.close();
    }
    const after = await fetch(`http://127.0.0.1:${secure.server.httpPort}/varz`).then((r) => r.json() as Promise<{ start: string }>);
    expect(after.start).toBe(before.start);
    expect(secure.server.process.pid).toBe(pid);
    expect(fr.nc.isClosed()).toBe(false);
    await fr.js.publish("alliance.crime.fr.bulletin", "{}");
  });
});

describe("identity - the alliance command", () => {
  function alliance(args: string[], env: Record<string, string>) {
    return runAlliance(args, { env: { ...process.env, NATS_URL: secure.url, LOG_LEVEL: "warn", LOG_PRETTY: "false", ...env } });
  }

  it("cli - connects with NATS_CREDS and NATS_CA, and says why it was refused", async () => {
    const { caFile } = secure.security.certs;
    const creds = (name: string) => join(secure.security.auth.dir, `${name}.nk`);
    const noCreds = await alliance(["streams"], { NATS_CA: caFile });
    expect(noCreds.code).toBe(1);
    expect(noCreds.stderr).toContain("ERR_CONNECT_AUTH");
    const noCa = await alliance(["streams"], { NATS_CREDS: creds("admin") });
    expect(noCa.stderr).toContain("ERR_CONNECT_TLS_REQUIRED");
    const asMember = await alliance(["streams"], { NATS_CREDS: creds("fr"), NATS_CA: caFile });
    expect(asMember.code).toBe(1);
    expect(asMember.stderr).toMatch(/ERR_PERMISSION_DENIED: the broker refused publishing to \$JS\.API\./);
    const asAdmin = await alliance(["streams"], { NATS_CREDS: creds("admin"), NATS_CA: caFile });
    expect(withoutProgress(asAdmin.stderr)).toBe("");
    expect(asAdmin.code).toBe(0);
  });
});
