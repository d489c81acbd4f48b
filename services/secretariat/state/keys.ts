import type { EncKeyRotated, KeyRevoked, KeyRotated } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import type { PublicJwk } from "../../../schemas/keys.js";
import { applied, findKey, isCurrentKey, isEncryptionEntry, newKeyEntry, originOfKid, put, refused, sameJson } from "./helpers.js";
import { SECRETARIAT_ORIGIN } from "./lookup.js";
import { checkNamedVotes } from "./rules.js";
import type { Applied, GovState, KeyEntry, KeyRing, Matter, Step } from "./types.js";

/** Keys: rotation by the key's owner, revocation by the owner or by the secretariat after a vote. */

function checkNextKey(state: Readonly<GovState>, origin: string, next: PublicJwk | undefined): string | undefined {
  if (!next) return undefined;
  if (originOfKid(next.kid) !== origin) return `next key ${next.kid} does not belong to ${origin}`;
  if (findKey(state, next.kid)) return `kid ${next.kid} is already in use`;
  return undefined;
}

function replaceEntry(ring: KeyRing, kid: string, update: (entry: KeyEntry) => KeyEntry): KeyRing {
  return { ...ring, keys: ring.keys.map((k) => (k.kid === kid ? update(k) : k)) };
}

/** `key-rotated`: the signing key is rotated out, the next key is valid from this event on. */
export function onKeyRotated(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as KeyRotated;
  const origin = ev.event.source;
  const found = findKey(state, ev.kid);
  if (!found || !isCurrentKey(found.entry) || isEncryptionEntry(found.entry)) return refused(RejectionReason.KeyConflict, `${ev.kid} is not ${origin}'s current key`);
  const problem = checkNextKey(state, origin, d.next);
  if (problem) return refused(RejectionReason.KeyConflict, problem);
  const rotated = replaceEntry(found.ring, ev.kid, (k) => ({ ...k, supersededAt: ev.at, supersededBy: ev.event.id }));
  const ring: KeyRing = { ...rotated, keys: [...rotated.keys, newKeyEntry(d.next, ev.at, ev.event.id)] };
  return applied(`${origin} rotated ${ev.kid} to ${d.next.kid}`, [put("keys", origin, ring)]);
}

/**
 * `key-revoked`: by the owner of the key at once; by the secretariat for a member's key only on
 * a carried revoke-key motion (and with the replacement key that motion named, if any).
 */
export function onKeyRevoked(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as KeyRevoked;
  const actor = ev.event.source;
  const owner = originOfKid(d.kid);
  const found = findKey(state, d.kid);
  if (!found) return refused(RejectionReason.Unknown, `no key ${d.kid}`);
  if (found.entry.revokedAt !== undefined) return refused(RejectionReason.Duplicate, `${d.kid} was revoked by ${found.entry.revokedBy}`);
  const problem = checkNextKey(state, owner, d.next);
  if (problem) return refused(RejectionReason.KeyConflict, problem);

  const byVote = actor === SECRETARIAT_ORIGIN && owner !== SECRETARIAT_ORIGIN;
  const changes = [];
  if (byVote) {
    if (!d.motion || !d.votes) return refused(RejectionReason.VotesInsufficient, `the secretariat revokes a member's key only on a carried motion`);
    const matter = state.matters[d.motion];
    if (!matter) return refused(RejectionReason.Unknown, `no motion ${d.motion}`);
    if (matter.kind !== "motion") return refused(RejectionReason.WrongMatter, `matter ${d.motion} is a ${matter.kind}`);
    if (matter.motion.action !== "revoke-key" || matter.motion.kid !== d.kid) return refused(RejectionReason.Invalid, `motion ${d.motion} is not to revoke ${d.kid}`);
    if (!sameJson(matter.motion.next, d.next)) return refused(RejectionReason.Invalid, `the replacement key differs from the one motion ${d.motion} named`);
    if (matter.decision) return refused(RejectionReason.Closed, `motion ${d.motion} was decided by ${matter.decision.event}`);
    const checked = checkNamedVotes(state, matter, d.votes, "approve");
    if (!checked.ok) return refused(RejectionReason.VotesInsufficient, checked.detail);
    const decided: Matter = { ...matter, decision: { event: ev.event.id, outcome: "carried", at: ev.at } };
    changes.push(put("matters", matter.id, decided));
  } else {
    if (owner !== actor) return refused(RejectionReason.KeyConflict, `${actor} may revoke only its own keys`);
    if (d.motion || d.votes) return refused(RejectionReason.Invalid, "a key's owner revokes it without a motion");
  }
  const revoked = replaceEntry(found.ring, d.kid, (k) => ({ ...k, revokedAt: ev.at, revokedBy: ev.event.id }));
  const ring: KeyRing = d.next ? { ...revoked, keys: [...revoked.keys, newKeyEntry(d.next, ev.at, ev.event.id)] } : revoked;
  changes.push(put("keys", owner, ring));
  return applied(`${d.kid} revoked${byVote ? " by vote" : ""}${d.next ? `, replaced by ${d.next.kid}` : ""}`, changes);
}

/**
 * `enc-key-rotated` (v1.1 §1b.1): the member's current encryption key is rotated out, the next one
 * is what events sealed from now on use. Signed by the member's signing key (checked by the fold).
 */
export function onEncKeyRotated(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as EncKeyRotated;
  const origin = ev.event.source;
  if (originOfKid(d.next.kid) !== origin) return refused(RejectionReason.KeyConflict, `next key ${d.next.kid} does not belong to ${origin}`);
  if (findKey(state, d.next.kid)) return refused(RejectionReason.KeyConflict, `kid ${d.next.kid} is already in use`);
  const ring: KeyRing = state.keys[origin] ?? { origin, keys: [] };
  const keys = ring.keys.map((k) => (isEncryptionEntry(k) && isCurrentKey(k) ? { ...k, supersededAt: ev.at, supersededBy: ev.event.id } : k));
  return applied(`${origin} rotated its encryption key to ${d.next.kid}`, [put("keys", origin, { ...ring, keys: [...keys, newKeyEntry(d.next, ev.at, ev.event.id)] })]);
}
