import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AllianceConfig } from "../../schemas/config.js";
import { PriorityChannel } from "../../schemas/protocol.js";
import { openBus } from "../bus/bus.js";
import { StaticKeyDirectory } from "../bus/directory.js";
import { openProcessedRecord } from "../bus/idempotency.js";
import { DIRECTORY_FILE, initKeys, loadSigner, type Signer } from "../bus/keys.js";
import type { Logger } from "../bus/logger.js";
import { createPublisher } from "../bus/publisher.js";
import type { Reason } from "../bus/reasons.js";
import { signEvent } from "../bus/sign.js";
import { provisionStreams } from "../bus/streams.js";
import { subscribe, type Subscription } from "../bus/subscriber.js";
import { streamForChannel } from "../bus/subjects.js";
import { createVerifier } from "../bus/verify.js";
import { startNatsServer } from "../natsd/server.js";
import { buildAttacks, launchAttack } from "./attacks.js";
import { demoScenario, type DemoMessage } from "./scenario.js";

export interface DemoOptions {
  readonly config: Readonly<AllianceConfig>;
  readonly log: Logger;
  /** Use this server instead of starting an embedded one. */
  readonly servers?: string;
  /** Keys, and the embedded server's store, live here. */
  readonly dataDir: string;
  /** How long to wait for the desks to see every message before giving up. */
  readonly timeoutMs?: number;
}

export interface DemoResult {
  readonly accepted: Record<string, number>;
  readonly quarantined: Partial<Record<Reason, number>>;
  refusedByJetStream: number;
  readonly unexpected: string[];
}

/**
 * The whole alliance at work: the seven ministries publish signed bulletins in their own languages,
 * one analysis desk per priority channel verifies each one, and an attacker's forged, tampered,
 * replayed and unsigned messages end in quarantine with their reasons.
 */
export async function runDemo({ config, log, servers, dataDir, timeoutMs = 60_000 }: DemoOptions): Promise<DemoResult> {
  const embedded = servers ? undefined : await startNatsServer({ dir: join(dataDir, "nats"), name: "alliance-demo" });
  const url = servers ?? embedded!.url;
  if (embedded) log.info({ url, store: resolve(dataDir, "nats") }, "embedded nats-server with JetStream started");

  const keysDir = join(dataDir, "keys");
  if (!existsSync(join(keysDir, DIRECTORY_FILE))) {
    await initKeys(keysDir, [...config.members.map((m) => m.code), config.secretariat.code]);
    log.info({ dir: keysDir }, "development keys generated for every member and the secretariat");
  }
  const directory = await StaticKeyDirectory.fromFile(join(keysDir, DIRECTORY_FILE));
  const signers = new Map<string, Signer>();
  for (const member of config.members) signers.set(member.code, await loadSigner(join(keysDir, `${member.code}.jwk`)));

  const bus = await openBus({ servers: url, name: "alliance-demo", config, log });
  const result: DemoResult = { accepted: {}, quarantined: {}, refusedByJetStream: 0, unexpected: [] };
  const desks: Subscription[] = [];
  try {
    await provisionStreams(bus.jsm, config.bounds, log);
    const verify = createVerifier({ bounds: config.bounds, directory });
    const seen = new Set<string>();

    for (const channel of PriorityChannel.options) {
      const desk = `desk-${channel}`;
      const dlog = log.child({ svc: desk });
      desks.push(await subscribe({
        js: bus.js, jsm: bus.jsm, verify, log: dlog,
        consumer: { stream: streamForChannel(channel), durable: desk, startFrom: "new", settings: config.subscriber },
        processed: (name) => openProcessedRecord(bus.js, name, config.bounds),
        handler: async (event, ctx) => {
          const data = event.data as { title: string };
          seen.add(event.id);
          result.accepted[channel] = (result.accepted[channel] ?? 0) + 1;
          ctx.log.info({ from: event.source, kind: event.type, lang: event.lang, tlp: event.tlp, kid: ctx.kid, title: data.title }, "✔ verified");
        },
        onRejected: (r) => {
          result.quarantined[r.reason] = (result.quarantined[r.reason] ?? 0) + 1;
        },
      }));
    }

    const published: string[] = [];
    for (const message of demoScenario) {
      const signer = signers.get(message.origin)!;
      const receipt = await createPublisher({ js: bus.js, signer, bounds: config.bounds, log }).publish(toOutgoing(message));
      published.push(receipt.id);
      log.info({ from: message.origin, subject: receipt.subject, stream: receipt.stream, seq: receipt.seq }, "➜ published");
    }

    const sample = demoScenario.find((m) => m.origin === "fr") ?? demoScenario[0]!;
    const victim = signers.get(sample.origin)!;
    const captured = await signEvent(victim, toOutgoing(sample), config.bounds);
    await createPublisher({ js: bus.js, signer: victim, bounds: config.bounds, log }).send(captured);
    published.push(captured.id);
    const attacks = await buildAttacks(victim, captured, toOutgoing(sample), config.bounds);
    const expected = new Map<Reason, number>();
    for (const attack of attacks) {
      const stored = await launchAttack(bus.js, attack);
      if (attack.expect === "refused-by-jetstream") {
        if (stored) result.unexpected.push(`${attack.name}: stored, expected a duplicate refusal`);
        else result.refusedByJetStream++;
        log.warn({ attack: attack.name }, stored ? "✘ attack stored" : "⛔ refused by JetStream de-duplication");
      } else {
        expected.set(attack.expect, (expected.get(attack.expect) ?? 0) + 1);
        log.warn({ attack: attack.name, expect: attack.expect }, "☠ attack sent");
      }
    }

    const deadline = Date.now() + timeoutMs;
    const done = () => published.every((id) => seen.has(id)) && [...expected].every(([reason, n]) => (result.quarantined[reason] ?? 0) >= n);
    while (!done() && Date.now() < deadline) await sleep(50);
    for (const id of published) if (!seen.has(id)) result.unexpected.push(`published ${id} was not verified in time`);
    for (const [reason, n] of expected) {
      if ((result.quarantined[reason] ?? 0) !== n) result.unexpected.push(`expected ${n} quarantined as ${reason}, saw ${result.quarantined[reason] ?? 0}`);
    }
    log.info({ accepted: result.accepted, quarantined: result.quarantined, refusedByJetStream: result.refusedByJetStream }, "demo summary");
  } finally {
    await Promise.all(desks.map((d) => d.stop()));
    await bus.close();
    await embedded?.stop();
  }
  return result;
}

function toOutgoing(message: DemoMessage) {
  const { channel, kind, data, tlp, lang, recipients } = message;
  return { channel, kind, data, tlp, lang, ...(recipients ? { recipients } : {}) };
}
