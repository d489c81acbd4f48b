import { createHash } from "node:crypto";
import type { DirectoryJwk } from "../../../schemas/keys.js";
import type { RejectionReason } from "../../../schemas/governance/index.js";
import type { Change, Collection, GovState, KeyEntry, KeyRing, MemberStatus, MemberView, Step } from "./types.js";

/** Small pure helpers shared by the transitions of every domain. */

export function applied(note: string, changes: Change[]): Step {
  return { outcome: { kind: "applied", note }, changes };
}

export function refused(reason: RejectionReason, detail: string): Step {
  return { outcome: { kind: "refused", reason, detail }, changes: [] };
}

export function put(collection: Collection, key: string, value: unknown): Change {
  return { collection, key, value };
}

export function ms(iso: string | null | undefined): number {
  return iso === null || iso === undefined ? Number.NEGATIVE_INFINITY : Date.parse(iso);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** RFC 7638 JWK thumbprint of an OKP key (Ed25519 or X25519): SHA-256 over the required members, sorted. */
export function jwkThumbprint(jwk: Pick<DirectoryJwk, "crv" | "kty" | "x">): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash("sha256").update(canonical, "utf8").digest("base64url");
}

export function isActiveMember(state: Readonly<GovState>, code: string): boolean {
  return state.members[code]?.status === "active";
}

export function activeMembers(state: Readonly<GovState>): string[] {
  return Object.values(state.members).filter((m) => m.status === "active").map((m) => m.code).sort();
}

export function originOfKid(kid: string): string {
  return kid.slice(0, kid.indexOf(":"));
}

/** The entry of `kid`, wherever it is: kids are never reused, across origins or over time. */
export function findKey(state: Readonly<GovState>, kid: string): { ring: KeyRing; entry: KeyEntry } | undefined {
  const ring = state.keys[originOfKid(kid)];
  const entry = ring?.keys.find((k) => k.kid === kid);
  return ring && entry ? { ring, entry } : undefined;
}

export function isCurrentKey(entry: KeyEntry): boolean {
  return entry.supersededAt === undefined && entry.revokedAt === undefined;
}

export function isEncryptionEntry(entry: KeyEntry): boolean {
  return entry.jwk.use === "enc";
}

export function newKeyEntry(jwk: DirectoryJwk, at: string, event: string): KeyEntry {
  return { kid: jwk.kid, jwk, thumbprint: jwkThumbprint(jwk), validFrom: at, addedBy: event };
}

/** A ring with `entry` added (a new origin gets a new ring). */
export function withKey(state: Readonly<GovState>, origin: string, entry: KeyEntry): KeyRing {
  const ring = state.keys[origin] ?? { origin, keys: [] };
  return { ...ring, keys: [...ring.keys, entry] };
}

export function withStatus(member: MemberView, status: MemberStatus, at: string, event: string): MemberView {
  return { ...member, status, history: [...member.history, { status, since: at, event }] };
}

/** Structural equality of JSON values, independent of key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
