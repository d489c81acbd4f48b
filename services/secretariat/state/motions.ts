import type { MotionFiled } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import { applied, findKey, isCurrentKey, put, refused } from "./helpers.js";
import type { Applied, GovState, MotionMatter, Step } from "./types.js";

/** `motion-filed` (secretariat): a suspension, reinstatement or key revocation put to the vote. */
export function onMotionFiled(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as MotionFiled;
  const member = state.members[d.member];
  if (!member) return refused(RejectionReason.Unknown, `${d.member} is not a member`);
  if (d.action === "suspend" && member.status !== "active") return refused(RejectionReason.Invalid, `${d.member} is ${member.status}, not active`);
  if (d.action === "reinstate" && member.status !== "suspended") return refused(RejectionReason.Invalid, `${d.member} is ${member.status}, not suspended`);
  if (d.action === "revoke-key") {
    const found = d.kid ? findKey(state, d.kid) : undefined;
    if (!found || found.entry.revokedAt !== undefined) return refused(RejectionReason.KeyConflict, `${d.kid} is not an unrevoked key of ${d.member}`);
    if (d.next && findKey(state, d.next.kid)) return refused(RejectionReason.KeyConflict, `kid ${d.next.kid} is already in use`);
    if (!isCurrentKey(found.entry) && d.next) return refused(RejectionReason.KeyConflict, `${d.kid} is no longer current: a replacement would give ${d.member} two keys`);
  }
  const twin = Object.values(state.matters).find(
    (m) => m.kind === "motion" && m.decision === null && m.motion.action === d.action && m.motion.member === d.member && m.motion.kid === d.kid,
  );
  if (twin) return refused(RejectionReason.Duplicate, `motion ${twin.id} to ${d.action} ${d.member} is still open`);
  const matter: MotionMatter = { id: ev.event.id, kind: "motion", filedAt: ev.at, votes: {}, decision: null, motion: d };
  return applied(`motion to ${d.action} ${d.member} filed`, [put("matters", matter.id, matter)]);
}
