import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AllianceConfig } from "../../schemas/config.js";
import { DataContentType, eventType } from "../../schemas/protocol.js";
import { loadEncKeyring, type EncKeyring } from "../bus/keys/keyring.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import type { Signer } from "../bus/keys/keys.js";
import { memoryProcessedRecord } from "../bus/consume/idempotency.js";
import { subscribe, type Subscription } from "../bus/consume/subscriber.js";
import { withUnseal } from "../bus/consume/unseal.js";
import { readStream } from "../bus/admin/read-stream.js";
import { createPublisher } from "../bus/publish/publisher.js";
import { signDetachedNative } from "../bus/wire/jws.js";
import { Reason } from "../bus/wire/reasons.js";
import { eventSubject, StreamName } from "../bus/wire/subjects.js";
import { createVerifier } from "../bus/wire/verify.js";
import type { LiveDirectory } from "../secretariat/live-directory.js";
import { launchAttack, wireHeaders } from "./attacks.js";
import type { AttackOutcome } from "./run.js";

/** What a scene reports to the verdict: what went otherwise, and each of its attacks. */
export interface SceneOutcome {
  readonly unexpected: string[];
  readonly attacks: AttackOutcome[];
}

export interface SealedSceneDeps {
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  /** The host's administrator connection: it runs the desks here and tries to read everything. */
  readonly adminBus: Bus;
  readonly busFor: (origin: string) => Promise<Bus>;
  readonly signers: ReadonlyMap<string, Signer>;
  readonly directory: LiveDirectory;
  /** Where a member keeps its encryption keyring (its own folder: the host holds none). */
  readonly encKeyFileOf: (code: string) => string;
  /** The embedded server's store, to grep; undefined on an external server. */
  readonly storeDir?: string;
}

const RECIPIENTS = ["sn", "ma", "es"] as const;
const OUTSIDER = "ae";

const bulletin = {
  title: "Rete di traffico di rifiuti elettronici: porti di destinazione e intermediari",
  summary: "Nominativi degli intermediari e dei porti di destinazione in Africa occidentale di una rete che esporta RAEE dichiarati come merce usata.",
  body:
    "Le spedizioni partono da due porti del Tirreno con certificati di funzionamento falsificati.\n" +
    "Gli intermediari cambiano ragione sociale ogni pochi mesi; i destinatari in Senegal, Marocco e Spagna ricevono i nominativi per i controlli alle frontiere.",
  keywords: ["RAEE", "rifiuti elettronici", "container"],
  offences: ["environmental-crime"],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * v1.1 sealed distribution on stage (docs/protocol.md §14): Italy seals a RED bulletin to Senegal,
 * Morocco and Spain; their desks read it; the UAE's desk, the host's administrator and a grep of
 * the broker's store see only ciphertext; a forged plaintext RED is quarantined as `policy`; and
 * Italy's ciphertext lifted into France's envelope is refused as `undecryptable`. Returns what did
 * not go as the protocol requires.
 */
export async function runSealedScene(deps: SealedSceneDeps): Promise<SceneOutcome> {
  const { config, adminBus } = deps;
  const log = deps.log.child({ svc: "sealed-scene" });
  const codes = [...RECIPIENTS, OUTSIDER];
  if (!codes.every((c) => existsSync(deps.encKeyFileOf(c)))) {
    log.warn({ member: codes.find((c) => !existsSync(deps.encKeyFileOf(c))) }, "sealed scene skipped: these keys predate encryption keys (v1.1); remove the member folders to make new ones");
    return { unexpected: [], attacks: [] };
  }
  const keyrings = new Map<string, EncKeyring>(codes.map((c) => [c, loadEncKeyring(deps.encKeyFileOf(c))]));
  const unexpected: string[] = [];
  const attacks: AttackOutcome[] = [];
  const judge = (name: string, expected: string, ok: boolean, outcome: string) => void attacks.push({ scene: "sealed", name, expected, ok, outcome: ok ? expected : outcome });
  const read = new Map<string, Set<string>>(codes.map((c) => [c, new Set()]));
  const desks: Subscription[] = [];
  const verifier = createVerifier({ bounds: config.bounds, directory: deps.directory });
  try {
    for (const code of codes) {
      const keyring = keyrings.get(code)!;
      desks.push(await subscribe({
        js: adminBus.js, jsm: adminBus.jsm, member: code, log: log.child({ desk: code }),
        verify: withUnseal(verifier, { member: code, keyring, bounds: config.bounds }),
        consumer: { stream: StreamName.crime, startFrom: "new", settings: config.subscriber },
        processed: async () => memoryProcessedRecord(),
        handler: async (event, ctx) => {
          read.get(code)!.add(event.id);
          if (ctx.sealed) ctx.log.info({ desk: code, from: event.source, tlp: event.tlp, handling: event.handling, evaluation: event.evaluation, kid: ctx.sealed.kid, title: (event.data as { title: string }).title }, "🔓 sealed bulletin opened");
        },
      }));
    }

    const italy = await deps.busFor("it");
    const sealing = { directory: deps.directory, groups: deps.directory };
    const sealed = await createPublisher({ js: italy.js, signer: deps.signers.get("it")!, bounds: config.bounds, log, sealing })
      .publish({ channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", handling: "H2", evaluation: "B2", recipients: [...RECIPIENTS], data: bulletin });
    log.info({ from: "it", to: RECIPIENTS, tlp: "RED", seq: sealed.seq }, "🔒 published sealed to Senegal, Morocco and Spain");

    // The host's administrator reads the stream with a consumer of its own: ciphertext only.
    for await (const msg of readStream(adminBus.js, adminBus.jsm, StreamName.crime, { fromSeq: sealed.seq })) {
      if (msg.seq !== sealed.seq) continue;
      const text = new TextDecoder().decode(msg.data);
      const plain = text.includes(bulletin.title);
      if (plain) unexpected.push("the administrator read the sealed bulletin's plaintext");
      judge("the host's administrator reading Italy's RED bulletin from the stream", "ciphertext only", !plain, "plaintext read");
      const jwe = (JSON.parse(text) as { data: { ciphertext: string } }).data;
      log.info({ reader: "admin", ciphertext: `${jwe.ciphertext.slice(0, 48)}…` }, "🙈 the host's administrator sees only ciphertext");
      break;
    }
    if (deps.storeDir) {
      const hits = filesUnder(deps.storeDir).filter((f) => readFileSync(f).includes(Buffer.from(bulletin.title)));
      judge("a grep of the broker's store for the sealed bulletin", "no plaintext on disk", hits.length === 0, `plaintext in ${hits.length} file(s)`);
      if (hits.length > 0) unexpected.push(`the sealed plaintext is on the broker's disk: ${hits.join(", ")}`);
      else log.info({ store: deps.storeDir }, "🙈 grep of the broker's store: no plaintext of the sealed bulletin");
    }

    const deadline = Date.now() + 30_000;
    while (!RECIPIENTS.every((c) => read.get(c)!.has(sealed.id)) && Date.now() < deadline) await sleep(50);
    for (const c of RECIPIENTS) if (!read.get(c)!.has(sealed.id)) unexpected.push(`${c}'s desk did not read the sealed bulletin`);
    // The outsider's desk is past the sealed message once it has read what came after it.
    const marker = await createPublisher({ js: italy.js, signer: deps.signers.get("it")!, bounds: config.bounds, log }).publish({ channel: "crime", kind: "bulletin", tlp: "GREEN", lang: "it", data: { ...bulletin, title: "Avviso pubblico: controlli rafforzati sui RAEE" } });
    while (!read.get(OUTSIDER)!.has(marker.id) && Date.now() < deadline) await sleep(50);
    judge("the UAE's desk, not a recipient, reading the sealed bulletin", "acknowledged unread", !read.get(OUTSIDER)!.has(sealed.id) && read.get(OUTSIDER)!.has(marker.id), read.get(OUTSIDER)!.has(sealed.id) ? "handed to its handler" : "not past it in time");
    if (read.get(OUTSIDER)!.has(sealed.id)) unexpected.push("the UAE's desk, not a recipient, was handed the sealed bulletin");
    else if (read.get(OUTSIDER)!.has(marker.id)) log.info({ desk: OUTSIDER }, "🙈 the UAE's desk, not a recipient, acknowledged it unread");
    else unexpected.push("the UAE's desk did not get past the sealed bulletin");
    // Stopped and removed: a consumer nobody reads any more would turn the dashboard critical.
    await Promise.all(desks.splice(0).map(async (d) => {
      await d.stop();
      await adminBus.jsm.consumers.delete(StreamName.crime, d.consumerName);
    }));

    // A plaintext RED, signed by Italy but sent past its SDK: the host's desks quarantine it (policy).
    // France lifts Italy's ciphertext into an envelope of its own: its signature holds, the aad does not.
    const forged = plainRed(deps.signers.get("it")!);
    await launchAttack(italy.js, { name: "plaintext RED", subject: forged.subject, body: forged.body, headers: wireHeaders(forged), expect: Reason.Policy });
    const stored = await adminBus.jsm.streams.getMessage(StreamName.crime, { seq: sealed.seq });
    const lifted = liftedInto(deps.signers.get("fr")!, (JSON.parse(new TextDecoder().decode(stored!.data)) as { data: unknown }).data);
    await launchAttack((await deps.busFor("fr")).js, { name: "lifted ciphertext", subject: lifted.subject, body: lifted.body, headers: wireHeaders(lifted), expect: Reason.Undecryptable });
    log.warn({ attacks: ["plaintext RED from it", "it's ciphertext in fr's envelope"] }, "☠ sealed-distribution attacks sent");
    // What Spain's desk makes of each, as stored (its subscriber would quarantine them with these reasons).
    const spain = withUnseal(verifier, { member: "es", keyring: keyrings.get("es")!, bounds: config.bounds });
    for (const [attack, expected] of [[forged, Reason.Policy], [lifted, Reason.Undecryptable]] as const) {
      const msg = await adminBus.jsm.streams.getMessage(StreamName.crime, { last_by_subj: attack.subject });
      const verdict = msg ? await spain({ subject: msg.subject, body: msg.data, header: (n) => msg.header.get(n) || undefined, receivedAt: msg.time }) : undefined;
      const reason = verdict && !verdict.ok ? verdict.reason : undefined;
      judge(expected === Reason.Policy ? "a plaintext RED signed by Italy, sent past its SDK" : "Italy's ciphertext lifted into France's envelope", `refused by Spain's desk as ${expected}`, reason === expected, reason ? `refused as ${reason}` : "accepted");
      if (reason !== expected) unexpected.push(`Spain's desk: ${attack.subject} gave ${reason ?? "no rejection"}, expected ${expected}`);
      else log.warn({ desk: "es", subject: attack.subject, reason, detail: verdict && !verdict.ok ? verdict.detail : "" }, "⛔ refused");
    }
  } finally {
    await Promise.all(desks.map((d) => d.stop()));
  }
  return { unexpected, attacks };
}

function signedRaw(signer: Signer, envelope: Record<string, unknown>) {
  const body = new TextEncoder().encode(JSON.stringify(envelope));
  return { id: String(envelope.id), subject: eventSubject("crime", signer.origin, "bulletin"), body, signature: signDetachedNative(body, signer.kid, signer.key) };
}

function envelopeOf(source: string, extra: Record<string, unknown>) {
  return { specversion: "1.0", id: randomUUID(), source, type: eventType("crime", "bulletin"), time: new Date().toISOString(), datacontenttype: DataContentType.Json, tlp: "RED", lang: "it", ...extra };
}

function plainRed(signer: Signer) {
  // Not the sealed bulletin's title: the store keeps this plaintext, and the next run greps for that title.
  return signedRaw(signer, envelopeOf(signer.origin, { data: { ...bulletin, title: "Copia in chiaro di un bollettino RED" } }));
}

function liftedInto(signer: Signer, jwe: unknown) {
  return signedRaw(signer, envelopeOf(signer.origin, { datacontenttype: DataContentType.Sealed, recipients: [...RECIPIENTS], data: jwe }));
}
