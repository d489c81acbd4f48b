import { z } from "zod";

/**
 * The closed sets of wire protocol v1 (docs/protocol.md §1). Every other module imports these;
 * nothing else spells a channel, kind, language or TLP label.
 */

export const PROTOCOL_VERSION = 1;

/** The three priority areas; each has a stream of its own. */
export const PriorityChannel = z.enum(["crime", "extremism", "border"]);
export type PriorityChannel = z.infer<typeof PriorityChannel>;

export const GOVERNANCE_CHANNEL = "secretariat" as const;
export const Channel = z.enum([...PriorityChannel.options, GOVERNANCE_CHANNEL]);
export type Channel = z.infer<typeof Channel>;

/** What members share on the priority channels (v1). */
export const ContentKind = z.enum(["bulletin", "alert", "practice", "capacity"]);
export type ContentKind = z.infer<typeof ContentKind>;

/** v1.1 (§1b.4): requests with deadlines, their responses, receipts and retractions. */
export const ControlKind = z.enum(["request", "response", "receipt", "retract"]);
export type ControlKind = z.infer<typeof ControlKind>;

/** Message kinds on the priority channels. */
export const PriorityKind = z.enum([...ContentKind.options, ...ControlKind.options]);
export type PriorityKind = z.infer<typeof PriorityKind>;

/** Governance event names on the secretariat channel are kebab-case words. */
export const GovernanceKind = z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/).max(64);

/** The five languages of the founding declaration. */
export const Lang = z.enum(["ar", "fr", "it", "es", "en"]);
export type Lang = z.infer<typeof Lang>;

/** FIRST Traffic Light Protocol 2.0 labels. */
export const Tlp = z.enum(["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]);
export type Tlp = z.infer<typeof Tlp>;

/** v1.1 (§1b.3) handling codes: H0 none, H1 no judicial use without consent, H2 no onward dissemination without consent, H3 other (see `handlingnote`). */
export const Handling = z.enum(["H0", "H1", "H2", "H3"]);
export type Handling = z.infer<typeof Handling>;

/** v1.1 (§1b.3) evaluation: source reliability A–C or X, then information assessment 1–4 (`B2`). */
export const Evaluation = z.string().regex(/^[ABCX][1-4]$/, "source reliability A-C or X, then assessment 1-4 (e.g. B2)");
export type Evaluation = z.infer<typeof Evaluation>;

/** `datacontenttype`: plain JSON `data`, or (v1.1 §1b.2) a sealed `data`, a JWE in General JSON Serialization. */
export const DataContentType = { Json: "application/json", Sealed: "application/jose+json" } as const;
export type DataContentType = (typeof DataContentType)[keyof typeof DataContentType];

/** A member's code: lowercase ISO 3166-1 alpha-2. */
export const MemberCode = z.string().regex(/^[a-z]{2}$/, "a lowercase ISO 3166-1 alpha-2 code");
export type MemberCode = z.infer<typeof MemberCode>;

/** The secretariat signs as `sec`; every origin is a member code or this. */
export const SECRETARIAT_CODE = "sec" as const;
export const OriginCode = z.union([MemberCode, z.literal(SECRETARIAT_CODE)]);
export type OriginCode = z.infer<typeof OriginCode>;

/** `<origin>:<key-id>`; checked before any directory lookup so that hostile kids never reach it. */
export const KID_PATTERN = /^(?:[a-z]{2}|sec):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const Kid = z.string().regex(KID_PATTERN, "<origin>:<key-id>");

/** `<origin>:<id>` of the event a derived event passes on (v1.1 §1b.3 `derivedfrom`). */
export const EventRef = z.string().regex(/^(?:[a-z]{2}|sec):[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "<origin>:<event id>");

/** CloudEvents `type`: alliance.<channel>.<kind>.v<major>. */
export const TYPE_PATTERN = /^alliance\.([a-z]+)\.([a-z][a-z0-9-]*)\.v([1-9][0-9]*)$/;

export function eventType(channel: Channel, kind: string, major = PROTOCOL_VERSION): string {
  return `alliance.${channel}.${kind}.v${major}`;
}

export function parseEventType(type: string): { channel: string; kind: string; major: number } | undefined {
  const m = TYPE_PATTERN.exec(type);
  if (!m) return undefined;
  return { channel: m[1]!, kind: m[2]!, major: Number(m[3]) };
}
