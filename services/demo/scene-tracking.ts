import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { AllianceConfig } from "../../schemas/config.js";
import type { Lang } from "../../schemas/protocol.js";
import type { TrackingConfig } from "../../schemas/tracking.js";
import type { Bus } from "../bus/core/bus.js";
import { isAllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Logger } from "../bus/core/logger.js";
import type { Signer } from "../bus/keys/keys.js";
import { loadEncKeyring } from "../bus/keys/keyring.js";
import type { EncryptionDirectory } from "../bus/keys/encryption.js";
import type { GroupDirectory } from "../bus/publish/seal.js";
import { openJsonView } from "../bus/admin/json-view.js";
import { ensureConsumer } from "../bus/admin/consumer.js";
import { streamForChannel } from "../bus/wire/subjects.js";
import { createPublisher } from "../bus/publish/publisher.js";
import type { Verifier } from "../bus/wire/verify.js";
import type { Monitor } from "../monitor/service.js";
import { createRecall, createTracking, memorySentLog, sentLogLimits, TRACKING_BUCKET, trackingConsumerName, type Tracking } from "../tracking/index.js";
import { DataContentType, PriorityChannel } from "../../schemas/protocol.js";
import { demoScenario } from "./scenario.js";
import type { AttackOutcome } from "./run.js";
import type { SceneOutcome } from "./scene-sealed.js";

/**
 * The v1.1 scene (requests, receipts, originator control, recall), after the main scenario: Spain
 * asks Morocco urgently and is answered in time; Senegal's request to France goes overdue on the
 * dashboard; Italy retracts a bulletin sent in error and sees its three recipients comply while
 * the operator erases it; Spain may pass Italy's RED bulletin to France only with Italy's consent.
 * Everything restricted is sealed (v1.1 §1b.2): requests to the members asked, responses and
 * receipts to the originator, a consent to the grantee and the new recipients; each member's
 * tracking opens what is sealed to it with its own keyring.
 */

/** The demo's config shortens Senegal's standard limit from 7 days to a few seconds; the limit is signed into the request. */
export const DEMO_STANDARD_LIMIT_SECONDS = 3;
const PARTIES = ["es", "ma", "sn", "fr", "it"] as const;
type Party = (typeof PARTIES)[number];

export interface TrackingSceneDeps {
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  /** The administrator's connection: provisions the views' bucket and runs the recall service. */
  readonly adminBus: Bus;
  readonly ministries: ReadonlyMap<string, Bus>;
  readonly signers: ReadonlyMap<string, Signer>;
  readonly verify: Verifier;
  /** Recipients' encryption keys and working groups, for sealing (the live directory). */
  readonly directory: EncryptionDirectory & GroupDirectory;
  /** Where each member's `<code>.enc.jwk` keyring is. */
  /** Where a member keeps its encryption keyring (its own folder: the host holds none). */
  readonly encKeyFileOf: (code: string) => string;
  readonly monitor?: Monitor | undefined;
  readonly timeoutMs?: number;
}

export async function runTrackingScene({ config, log: parent, adminBus, ministries, signers, verify, directory, encKeyFileOf, monitor, timeoutMs = 30_000 }: TrackingSceneDeps): Promise<SceneOutcome> {
  const log = parent.child({ svc: "tracking-scene" });
  const unexpected: string[] = [];
  const attacks: AttackOutcome[] = [];
  if (!PARTIES.every((c) => existsSync(encKeyFileOf(c)))) {
    log.warn({ member: PARTIES.find((c) => !existsSync(encKeyFileOf(c))) }, "tracking scene skipped: these keys predate encryption keys (v1.1); remove the member folders to make new ones");
    return { unexpected, attacks };
  }
  const sealing = { directory, groups: directory };
  // What the host stores of a restricted event: ciphertext sealed to exactly its recipients.
  const sealedInStream = async (what: string, at: { stream: string; seq: number }, recipients: readonly string[]) => {
    const msg = await adminBus.jsm.streams.getMessage(at.stream, { seq: at.seq });
    const stored = msg ? (JSON.parse(new TextDecoder().decode(msg.data)) as { datacontenttype?: string; recipients?: string[] }) : undefined;
    if (stored?.datacontenttype !== DataContentType.Sealed || JSON.stringify(stored.recipients) !== JSON.stringify(recipients)) {
      unexpected.push(`tracking scene: ${what} is not stored sealed to ${recipients.join(",")}`);
    } else log.info({ what, recipients }, "🔒 stored sealed: the host sees only ciphertext");
  };
  const until = async (what: string, check: () => boolean) => {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        unexpected.push(`tracking scene: ${what} did not happen in time`);
        return false;
      }
      await sleep(50);
    }
    return true;
  };
  await openJsonView(adminBus.js, adminBus.jsm, TRACKING_BUCKET, { replicas: config.bounds.replicas, create: true });
  // The administrator provisions the parties' declared tracking consumers (a member may not create
  // one on a secured server); only theirs, so that no unread consumer falls behind on the dashboard.
  for (const code of PARTIES) {
    for (const channel of PriorityChannel.options) {
      await ensureConsumer(adminBus.jsm, { stream: streamForChannel(channel), durable: trackingConsumerName(code), startFrom: "all", settings: config.subscriber });
    }
  }
  const recall = await createRecall({ bus: adminBus, verify, log });
  const seen = new Map<Party, Set<string>>(PARTIES.map((p) => [p, new Set()]));
  const deleted = new Map<Party, string[]>(PARTIES.map((p) => [p, []]));
  const trackings = new Map<Party, Tracking>();
  try {
    for (const code of PARTIES) {
      const bus = ministries.get(code)!;
      const lang = (config.members.find((m) => m.code === code)?.lang ?? "en") as Lang;
      const trackingConfig: TrackingConfig = code === "sn" ? { ...config.tracking, limitSeconds: { ...config.tracking.limitSeconds, standard: DEMO_STANDARD_LIMIT_SECONDS } } : config.tracking;
      const tracking = createTracking({
        // The desks already report every quarantined attack: the members' own subscribers stay quiet about them.
        bus, member: code, lang, verify, log: log.child({ member: code }, { level: "error" }), config: trackingConfig, subscriber: config.subscriber, bounds: config.bounds,
        publisher: createPublisher({ js: bus.js, signer: signers.get(code)!, bounds: config.bounds, log, sealing }),
        keyring: loadEncKeyring(encKeyFileOf(code)), sent: memorySentLog(sentLogLimits({ tracking: trackingConfig, bounds: config.bounds })),
      });
      await tracking.start({
        handler: async (event) => void seen.get(code)!.add(event.id),
        onRetract: async (retract) => {
          deleted.get(code)!.push(retract.data.of);
          log.info({ member: code, event: retract.data.of, reason: retract.data.reason }, "🗑 retracted by its originator: local copies deleted");
        },
      });
      trackings.set(code, tracking);
    }
    const t = (code: Party) => trackings.get(code)!;
    const saw = (code: Party, id: string) => seen.get(code)!.has(id);

    // 1. Spain asks Morocco, urgently (8 hours, Directive (EU) 2023/977 art. 5), and is answered in time.
    const ask = await t("es").client!.request({
      channel: "border", to: ["ma"], urgency: "urgent-direct", lang: "es",
      subject: "Tripulación del pesquero «Mar de Alborán»", question: "¿Pueden confirmar la lista de tripulantes embarcados en Tánger Med el 28 de noviembre?",
    });
    log.info({ id: ask.id, due: ask.due, limitSeconds: ask.limitSeconds }, "❓ Spain asks Morocco (urgent-direct); due from the signed time");
    if (await until("Morocco reading Spain's request", () => saw("ma", ask.id))) {
      const answer = await t("ma").client!.respond(ask.id, "قائمة الطاقم مرفقة: أربعة عشر بحارا، جميعهم مسجلون لدى ميناء طنجة المتوسط.");
      await sealedInStream("Spain's request", ask, ["ma"]);
      await sealedInStream("Morocco's answer", answer, ["es"]);
      await until("Spain reading Morocco's answer", () => saw("es", answer.id));
      const view = t("es").views(Date.now()).requests.find((r) => r.id === ask.id);
      if (!view || view.pending.length > 0 || view.answered.some((a) => a.late)) unexpected.push("tracking scene: Morocco's answer not seen in time by Spain");
      else log.info({ id: ask.id, answered: view.answered }, "✔ Morocco answered within the time limit");
    }

    // 2. Senegal asks France (standard, shortened for the demo); France does not answer in time.
    const late = await t("sn").client!.request({
      channel: "crime", to: ["fr"], urgency: "standard", lang: "fr",
      subject: "Conteneur MSCU1234565 Dakar–Marseille", question: "Pouvez-vous identifier le destinataire du conteneur MSCU1234565 débarqué à Marseille-Fos ?",
    });
    log.info({ id: late.id, due: late.due, limitSeconds: late.limitSeconds }, "❓ Senegal asks France (standard; the demo config shortens the limit, signed into the request)");
    await until("France reading Senegal's request", () => saw("fr", late.id));
    await sleep(Math.max(0, Date.parse(late.due) - Date.now()) + 100);

    // 3. Italy retracts a bulletin sent in error; its three recipients comply; the operator erases it.
    const base = demoScenario.find((m) => m.origin === "it" && m.channel === "crime" && m.kind === "bulletin")!.data as Record<string, unknown>;
    const wrong = await t("it").client!.publish({
      channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "it", recipients: ["sn", "ma", "es"],
      data: { ...base, title: "Bollettino inviato per errore", summary: "Bollettino destinato a un altro ufficio, inviato per errore." },
    });
    await until("the three received receipts", () => (t("it").views(Date.now()).receipts.find((r) => r.event === wrong.id)?.missing.length ?? 1) === 0);
    await sealedInStream("Italy's bulletin sent in error", wrong, ["sn", "ma", "es"]);
    await t("it").client!.retract(wrong.id, "Inviato per errore: destinatari sbagliati.");
    log.info({ id: wrong.id }, "↩ Italy retracts a bulletin sent in error");
    if (await until("every recipient applying Italy's retract", () => t("it").views(Date.now()).recalls.find((r) => r.event === wrong.id)?.pending.length === 0)) {
      log.info({ id: wrong.id, complied: t("it").views(Date.now()).recalls.find((r) => r.event === wrong.id)!.complied }, "✔ every recipient confirmed retracted-applied");
    }
    if (await until("the operator erasing the original", () => recall.outcomes.some((o) => o.event === wrong.id && o.erased))) {
      log.info({ id: wrong.id }, "🧹 the operator's recall service erased it from its stream and from quarantine");
    }

    // 4. Spain may pass Italy's RED bulletin to France only with Italy's signed consent.
    const red = await t("it").client!.publish({
      channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es", "ma"],
      data: { ...base, title: "Rete di spedizionieri fittizi: nominativi", summary: "Nominativi e società della rete, per i soli destinatari." },
    });
    await until("Spain reading Italy's RED bulletin", () => saw("es", red.id));
    const onward = { channel: "crime" as const, kind: "bulletin", tlp: "RED" as const, lang: "es" as const, recipients: ["fr"], derivedfrom: `it:${red.id}`,
      data: { ...base, title: "Red de transitarios ficticios (de Italia)", summary: "Información de Italia transmitida con su consentimiento." } };
    const withoutConsent = { scene: "tracking" as const, name: "Spain passing Italy's RED bulletin to France without Italy's consent", expected: `refused by Spain's SDK (${ErrorCode.ConsentMissing})` };
    try {
      await t("es").client!.publish(onward);
      unexpected.push("tracking scene: Spain passed on Italy's RED bulletin without consent");
      attacks.push({ ...withoutConsent, ok: false, outcome: "published" });
    } catch (err) {
      if (!isAllianceError(err, ErrorCode.ConsentMissing)) throw err;
      attacks.push({ ...withoutConsent, ok: true, outcome: withoutConsent.expected });
      log.warn({ code: err.code }, "⛔ Spain may not pass Italy's RED bulletin to France without Italy's consent");
    }
    const please = await t("es").client!.request({ channel: "crime", to: ["it"], urgency: "urgent", lang: "es", subject: "Consentimiento", question: `¿Podemos transmitir ${red.id} a Francia?` });
    await until("Italy reading Spain's ask", () => saw("it", please.id));
    const consent = await t("it").client!.consent(red.id, "es", ["fr"]);
    await sealedInStream("Italy's consent", consent, ["es", "fr"]);
    await t("it").client!.respond(please.id, "Consenso concesso per la Francia.");
    await until("Spain holding Italy's consent", () => saw("es", consent.id));
    const passed = await t("es").client!.publish(onward);
    if (await until("France reading the bulletin Spain passed on", () => saw("fr", passed.id))) log.info({ id: passed.id, derivedfrom: onward.derivedfrom }, "✔ with Italy's consent naming France, Spain passed it on, to France alone");

    // The views, for the dashboard: Senegal's request to France is overdue there.
    for (const tracking of trackings.values()) await tracking.publishViews(Date.now());
    if (monitor) {
      const status = await monitor.sampleNow();
      const overdue = status.checks.find((c) => c.rule === "request-overdue" && c.level === "critical" && c.member === "fr");
      if (overdue) log.warn(`📊 dashboard: ${overdue.message}`);
      else unexpected.push("tracking scene: the dashboard does not show Senegal's overdue request to France");
    }
    // France answers at last: marked late, and the request is no longer open on the dashboard.
    const lateAnswer = await t("fr").client!.respond(late.id, "Destinataire identifié : société de transit à Marseille-Fos (réponse tardive).");
    if (await until("Senegal reading France's late answer", () => saw("sn", lateAnswer.id))) {
      const view = t("sn").views(Date.now()).requests.find((r) => r.id === late.id);
      if (!view || view.pending.length > 0 || !view.answered.some((a) => a.member === "fr" && a.late)) unexpected.push("tracking scene: France's late answer not marked late by Senegal");
      else log.info({ id: late.id, answered: view.answered }, "✔ France answered after the due time: marked late, no longer open");
      for (const tracking of trackings.values()) await tracking.publishViews(Date.now());
      // The dashboard follows at once: the closed request is no longer critical there.
      const after = await monitor?.sampleNow();
      if (after?.checks.some((c) => c.rule === "request-overdue" && c.member === "fr")) unexpected.push("tracking scene: the dashboard still shows Senegal's answered request as overdue");
    }
  } finally {
    for (const tracking of trackings.values()) await tracking.stop();
    await recall.stop();
    // The scene's consumers go with it: one nobody reads any more would turn the dashboard critical.
    for (const code of PARTIES) {
      for (const channel of PriorityChannel.options) await adminBus.jsm.consumers.delete(streamForChannel(channel), trackingConsumerName(code)).catch(() => false);
    }
  }
  return { unexpected, attacks };
}
