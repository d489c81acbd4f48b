import { rotationDue } from "../../bus/keys/encryption.js";
import { findKey, isEncryptionEntry, ms } from "./helpers.js";
import type { GovState, MemberStatus, MemberView } from "./types.js";
import type { KeyEntry } from "./types.js";

/** What the fold says of a kid at a receive time; mirrors KeyLookup without the imported key. */
export type KeyStatusAt =
  | { readonly status: "active"; readonly member: string; readonly entry: KeyEntry }
  | { readonly status: "unknown" }
  | { readonly status: "revoked"; readonly member: string }
  | { readonly status: "inactive"; readonly member: string };

export const SECRETARIAT_ORIGIN = "sec";

/** A member's status at a time: the last change at or before it (none yet: not a member). */
export function memberStatusAt(member: MemberView, atMs: number): MemberStatus | undefined {
  let status: MemberStatus | undefined;
  for (const change of member.history) {
    if (ms(change.since) <= atMs) status = change.status;
    else break;
  }
  return status;
}

/**
 * Check 4 of the protocol against the fold: a key not yet valid at `at` is unknown; one revoked
 * or rotated out at or before `at` is revoked; a member not active at `at` is inactive. The
 * secretariat is never inactive.
 */
export function keyStatusAt(state: Readonly<GovState>, kid: string, atMs: number): KeyStatusAt {
  const found = findKey(state, kid);
  if (!found) return { status: "unknown" };
  const { ring, entry } = found;
  // An encryption key's kid never names a signing key (v1.1 §1b.1).
  if (isEncryptionEntry(entry)) return { status: "unknown" };
  if (ms(entry.validFrom) > atMs) return { status: "unknown" };
  const endedAt = [entry.revokedAt, entry.supersededAt].filter((t) => t !== undefined).map(ms);
  if (endedAt.some((t) => t <= atMs)) return { status: "revoked", member: ring.origin };
  if (ring.origin !== SECRETARIAT_ORIGIN) {
    const member = state.members[ring.origin];
    if (!member || memberStatusAt(member, atMs) !== "active") return { status: "inactive", member: ring.origin };
  }
  return { status: "active", member: ring.origin, entry };
}

export type EncKeyStatusAt =
  | { readonly status: "active"; readonly member: string; readonly entry: KeyEntry }
  | { readonly status: "unknown"; readonly member: string }
  | { readonly status: "inactive"; readonly member: string };

/**
 * A member's current encryption key at a time (v1.1 §1b.1): the newest enc key valid at `at`,
 * neither rotated out nor revoked then, of a member active then. A suspended or withdrawn member
 * is never sealed to.
 */
export function encKeyStatusAt(state: Readonly<Pick<GovState, "members" | "keys">>, member: string, atMs: number): EncKeyStatusAt {
  const view = state.members[member];
  if (!view || memberStatusAt(view, atMs) !== "active") return { status: "inactive", member };
  const ended = (t: string | undefined) => t !== undefined && ms(t) <= atMs;
  const current = (state.keys[member]?.keys ?? [])
    .filter((k) => isEncryptionEntry(k) && ms(k.validFrom) <= atMs && !ended(k.supersededAt) && !ended(k.revokedAt))
    .at(-1);
  return current ? { status: "active", member, entry: current } : { status: "unknown", member };
}

export type EncRotationAt =
  | { readonly status: "active"; readonly member: string; readonly kid: string; readonly validFrom: string | null; readonly since: Date | null; readonly due: boolean }
  | { readonly status: "unknown" | "inactive"; readonly member: string };

/**
 * A member's current encryption key at `atMs` and whether its rotation is due: the one definition
 * `alliance keys enc-status` and the monitor's `enc-key-rotation` rule share (config
 * encryption.rotationDays, v1.1 §1b.1). A founding key has no `validFrom`: its kid's month
 * (`<code>:enc-2026-12-…`) says when it was made; without one it is never due.
 */
export function encRotationAt(state: Readonly<Pick<GovState, "members" | "keys">>, member: string, atMs: number, rotationDays: number): EncRotationAt {
  const found = encKeyStatusAt(state, member, atMs);
  if (found.status !== "active") return found;
  const { entry } = found;
  const month = /:enc-(\d{4}-\d{2})-/.exec(entry.kid)?.[1];
  const since = entry.validFrom ? new Date(entry.validFrom) : month ? new Date(`${month}-01T00:00:00Z`) : null;
  return { status: "active", member, kid: entry.kid, validFrom: entry.validFrom, since, due: rotationDue(since, rotationDays, new Date(atMs)) };
}
