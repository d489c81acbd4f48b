import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { loadConfig } from "../../services/bus/core/config.js";
import { applyEvent, commit } from "../../services/secretariat/state/apply.js";
import { foundingState } from "../../services/secretariat/state/initial.js";
import { sha256Hex } from "../../services/secretariat/state/helpers.js";
import type { Applied, GovState, Step } from "../../services/secretariat/state/types.js";
import { eventType } from "../../schemas/protocol.js";
import { signingDeadline } from "../../schemas/governance/index.js";
import type { PublicJwk } from "../../schemas/keys.js";
import { createPublisher } from "../../services/bus/publish/publisher.js";
import type { Bus } from "../../services/bus/core/bus.js";
import type { Signer } from "../../services/bus/keys/keys.js";
import type { Logger } from "../../services/bus/core/logger.js";
import type { Bounds } from "../../schemas/config.js";
import type { KeyDirectory } from "../../services/bus/keys/directory.js";
import { createVerifier, type Verdict } from "../../services/bus/wire/verify.js";
import { readStream } from "../../services/bus/admin/read-stream.js";

/** A valid public JWK whose private half is thrown away: for tests that never verify its signatures. */
export function fakeJwk(origin: string, keyId = randomBytes(3).toString("hex")): PublicJwk {
  const x = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x!;
  return { kty: "OKP", crv: "Ed25519", x, kid: `${origin}:${keyId}`, alg: "EdDSA" };
}

export const FOUNDERS = ["ae", "bh", "ma", "fr", "it", "es", "sn"] as const;

/**
 * A governance state driven by hand-made events: the founding members of config/alliance.json
 * with fake keys, a clock that moves one second per event, and every step committed.
 */
export class GovWorld {
  readonly state: GovState;
  readonly kids: Record<string, string> = {};
  private seq = 0;
  private clock = Date.parse("2017-02-20T08:00:00.000Z");

  constructor() {
    const keys = [...FOUNDERS, "sec"].map((origin) => fakeJwk(origin, "2017-01"));
    for (const k of keys) this.kids[k.kid.split(":")[0]!] = k.kid;
    this.state = foundingState(loadConfig(), { keys });
  }

  now(): string {
    return new Date(this.clock).toISOString();
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  /** The Applied input for an event, without applying it. */
  input(kind: string, source: string, data: unknown, options: { id?: string; kid?: string; at?: string } = {}): Applied {
    this.clock += 1000;
    const at = options.at ?? this.now();
    const event = {
      specversion: "1.0" as const, id: options.id ?? randomUUID(), source, type: eventType("secretariat", kind), time: at,
      datacontenttype: "application/json" as const, tlp: "GREEN" as const, lang: "en" as const, data,
    };
    return { event, kind, kid: options.kid ?? this.kids[source] ?? `${source}:unknown`, seq: ++this.seq, at, jws: `jws-of-${event.id}` };
  }

  /** Applies and commits one event; returns the step and the event's id. */
  act(kind: string, source: string, data: unknown, options: { id?: string; kid?: string; at?: string } = {}): Step & { id: string } {
    const ev = this.input(kind, source, data, options);
    const step = applyEvent(this.state, ev);
    commit(this.state, ev.seq, step.changes);
    return { ...step, id: ev.event.id };
  }

  /** Every founder in `voters` votes `vote` on a matter; returns the vote ids. */
  voteAll(on: string, matter: string, voters: readonly string[], vote: "approve" | "reject" = "approve"): string[] {
    return voters.map((voter) => {
      const step = this.act("vote-cast", voter, { on, matter, vote });
      if (step.outcome.kind !== "applied") throw new Error(`vote by ${voter} ${step.outcome.kind}: ${JSON.stringify(step.outcome)}`);
      return step.id;
    });
  }
}

export function applicationData(code: string, key = fakeJwk(code)) {
  return {
    applicant: {
      code, country: { en: "Jordan", native: "المملكة الأردنية الهاشمية" }, ministry: "Ministry of Interior", lang: "ar",
      contact: { unit: "International Cooperation Directorate", email: "cooperation@moi.example" },
    },
    key,
  };
}

export function declarationData(meetingDate = "2017-02-19") {
  const texts = { ar: "نص الإعلان", fr: "Texte de la déclaration", it: "Testo della dichiarazione", es: "Texto de la declaración", en: "Text of the declaration" };
  const sha256 = Object.fromEntries(Object.entries(texts).map(([l, t]) => [l, sha256Hex(t)]));
  const title = { ar: "إعلان التحالف", fr: "Déclaration de l'Alliance", it: "Dichiarazione dell'Alleanza", es: "Declaración de la Alianza", en: "Declaration of the Alliance" };
  return { title, texts, sha256, meeting: { date: meetingDate, place: "Abu Dhabi" }, deadline: signingDeadline(meetingDate) };
}

export function modelData(version: number, rules: Record<string, unknown>) {
  const title = { ar: "النموذج التشغيلي", fr: "Modèle opérationnel", it: "Modello operativo", es: "Modelo operativo", en: "Operating model" };
  const text = { ar: "نص", fr: "Texte", it: "Testo", es: "Texto", en: "Text" };
  return { version, title, text, rules };
}


/** Publishes a governance event signed by `signer`; returns its id and stream sequence. */
export async function publishGov(bus: Bus, signer: Signer, bounds: Bounds, log: Logger, kind: string, data: unknown): Promise<{ id: string; seq: number }> {
  const receipt = await createPublisher({ js: bus.js, signer, bounds, log }).publish({ channel: "secretariat", kind, data, tlp: "GREEN", lang: "en" });
  return { id: receipt.id, seq: receipt.seq };
}

/** Verifies a message as stored in a stream, at its receive time, against a directory. */
export async function verifyStored(bus: Bus, bounds: Bounds, directory: KeyDirectory, stream: string, seq: number): Promise<Verdict> {
  const stored = await bus.jsm.streams.getMessage(stream, { seq });
  if (!stored) throw new Error(`no message ${stream}#${seq}`);
  return createVerifier({ bounds, directory })({
    subject: stored.subject,
    body: stored.data,
    header: (name) => stored.header.get(name) || undefined,
    receivedAt: stored.time,
  });
}

/** The kind and data of every event in the secretariat stream, in order. */
export async function streamEvents(bus: Bus): Promise<{ kind: string; source: string; data: Record<string, unknown> }[]> {
  const events: { kind: string; source: string; data: Record<string, unknown> }[] = [];
  for await (const msg of readStream(bus.js, bus.jsm, "ALLIANCE_SECRETARIAT")) {
    const body = msg.json<{ source: string; data: Record<string, unknown> }>();
    events.push({ kind: msg.subject.split(".").at(-1)!, source: body.source, data: body.data });
  }
  return events;
}
