import type { MemberSuspended, MembershipApplied, MembershipDecided, MemberWithdrew, VoteCast } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import { applied, findKey, isActiveMember, isCurrentKey, newKeyEntry, put, refused, sameJson, withStatus } from "./helpers.js";
import { checkNamedVotes, rulesInForce } from "./rules.js";
import type { Applied, ApplicationMatter, GovState, KeyRing, Matter, MemberView, Step, Vote } from "./types.js";

/** Membership: applications, votes, decisions, suspension, reinstatement, withdrawal. */

function isMemberNow(state: Readonly<GovState>, code: string): boolean {
  const status = state.members[code]?.status;
  return status === "active" || status === "suspended";
}

/** `membership-applied` (secretariat): opens an application matter. */
export function onMembershipApplied(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as MembershipApplied;
  const code = d.applicant.code;
  if (isMemberNow(state, code)) return refused(RejectionReason.Duplicate, `${code} is already a member`);
  const open = Object.values(state.matters).find((m) => m.kind === "application" && m.decision === null && m.application.applicant.code === code);
  if (open) return refused(RejectionReason.Duplicate, `${code} already has an open application (${open.id})`);
  if (findKey(state, d.key.kid)) return refused(RejectionReason.KeyConflict, `kid ${d.key.kid} is already in use`);
  if (d.encKey && findKey(state, d.encKey.kid)) return refused(RejectionReason.KeyConflict, `kid ${d.encKey.kid} is already in use`);
  const matter: ApplicationMatter = { id: ev.event.id, kind: "application", filedAt: ev.at, votes: {}, decision: null, application: d };
  return applied(`application of ${code} filed`, [put("matters", matter.id, matter)]);
}

/** `vote-cast` (a member): one vote per member and open matter. */
export function onVoteCast(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as VoteCast;
  const voter = ev.event.source;
  if (!isActiveMember(state, voter)) return refused(RejectionReason.NotAMember, `${voter} is not an active member and cannot vote`);
  const matter = state.matters[d.matter];
  if (!matter) return refused(RejectionReason.Unknown, `no matter ${d.matter}`);
  if (matter.kind !== d.on) return refused(RejectionReason.WrongMatter, `matter ${d.matter} is a ${matter.kind}, not a ${d.on}`);
  if (matter.decision) return refused(RejectionReason.Closed, `matter ${d.matter} was decided by ${matter.decision.event}`);
  if (matter.kind === "operating-model" && matter.draft.version <= (state.model.adopted?.version ?? 0)) {
    return refused(RejectionReason.Closed, `draft version ${matter.draft.version} is not newer than the adopted version`);
  }
  if (matter.kind === "motion" && matter.motion.member === voter) return refused(RejectionReason.NotEligible, `${voter} does not vote on a motion about itself`);
  const earlier = matter.votes[voter];
  if (earlier) return refused(RejectionReason.AlreadyVoted, `${voter} already voted on ${d.matter} (${earlier.event})`);
  const vote: Vote = { event: ev.event.id, voter, vote: d.vote, at: ev.at, ...(d.comment ? { comment: d.comment } : {}) };
  const next: Matter = { ...matter, votes: { ...matter.votes, [voter]: vote } };
  return applied(`${voter} votes ${d.vote} on ${matter.kind} ${matter.id}`, [put("matters", matter.id, next)]);
}

/** `membership-decided` (secretariat): effective only if the named votes carry (or defeat) it. */
export function onMembershipDecided(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as MembershipDecided;
  const matter = state.matters[d.application];
  if (!matter) return refused(RejectionReason.Unknown, `no application ${d.application}`);
  if (matter.kind !== "application") return refused(RejectionReason.WrongMatter, `matter ${d.application} is a ${matter.kind}`);
  if (matter.decision) return refused(RejectionReason.Closed, `application ${d.application} was decided by ${matter.decision.event}`);
  const rule = rulesInForce(state).admission;
  if (!sameJson(rule, d.rule)) return refused(RejectionReason.Invalid, `the admission rule in force is ${JSON.stringify(rule)}`);
  const checked = checkNamedVotes(state, matter, d.votes, d.outcome === "admitted" ? "approve" : "reject");
  if (!checked.ok) return refused(RejectionReason.VotesInsufficient, checked.detail);
  const decided: Matter = { ...matter, decision: { event: ev.event.id, outcome: d.outcome, at: ev.at } };
  if (d.outcome === "refused") return applied(`application ${matter.id} refused`, [put("matters", matter.id, decided)]);

  const { applicant, key, encKey } = matter.application;
  if (isMemberNow(state, applicant.code)) return refused(RejectionReason.Duplicate, `${applicant.code} is already a member`);
  if (findKey(state, key.kid)) return refused(RejectionReason.KeyConflict, `kid ${key.kid} is already in use`);
  if (encKey && findKey(state, encKey.kid)) return refused(RejectionReason.KeyConflict, `kid ${encKey.kid} is already in use`);
  const admission = { application: matter.id, decision: ev.event.id, votes: [...d.votes], at: ev.at };
  const info = { country: applicant.country, ministry: applicant.ministry, lang: applicant.lang, contact: applicant.contact };
  const previous = state.members[applicant.code];
  const member: MemberView = previous
    ? { ...withStatus(previous, "active", ev.at, ev.event.id), ...info, admissions: [...previous.admissions, admission] }
    : { code: applicant.code, founding: false, ...info, status: "active", history: [{ status: "active", since: ev.at, event: ev.event.id }], admissions: [admission] };
  // A returning member's old keys end here: only the key it applied with speaks for it now.
  const oldRing = state.keys[applicant.code] ?? { origin: applicant.code, keys: [] };
  const ring: KeyRing = {
    origin: applicant.code,
    keys: [
      ...oldRing.keys.map((k) => (isCurrentKey(k) ? { ...k, supersededAt: ev.at, supersededBy: ev.event.id } : k)),
      newKeyEntry(key, ev.at, ev.event.id),
      // v1.1 §1b.1: the encryption key it applied with, the only one sealed events reach.
      ...(encKey ? [newKeyEntry(encKey, ev.at, ev.event.id)] : []),
    ],
  };
  return applied(`${applicant.code} admitted`, [put("matters", matter.id, decided), put("members", member.code, member), put("keys", ring.origin, ring)]);
}

/** `member-suspended` / `member-reinstated` (secretariat): a sanctions motion carried. */
export function onMemberSanction(state: Readonly<GovState>, ev: Applied, action: "suspend" | "reinstate"): Step {
  const d = ev.event.data as MemberSuspended;
  const matter = state.matters[d.motion];
  if (!matter) return refused(RejectionReason.Unknown, `no motion ${d.motion}`);
  if (matter.kind !== "motion") return refused(RejectionReason.WrongMatter, `matter ${d.motion} is a ${matter.kind}`);
  if (matter.motion.action !== action || matter.motion.member !== d.member) {
    return refused(RejectionReason.Invalid, `motion ${d.motion} is to ${matter.motion.action} ${matter.motion.member}`);
  }
  if (matter.decision) return refused(RejectionReason.Closed, `motion ${d.motion} was decided by ${matter.decision.event}`);
  const member = state.members[d.member];
  const expected = action === "suspend" ? "active" : "suspended";
  if (!member || member.status !== expected) return refused(RejectionReason.Invalid, `${d.member} is ${member?.status ?? "not a member"}, not ${expected}`);
  const checked = checkNamedVotes(state, matter, d.votes, "approve");
  if (!checked.ok) return refused(RejectionReason.VotesInsufficient, checked.detail);
  const status = action === "suspend" ? "suspended" : "active";
  const decided: Matter = { ...matter, decision: { event: ev.event.id, outcome: "carried", at: ev.at } };
  return applied(`${d.member} ${status}`, [put("matters", matter.id, decided), put("members", d.member, withStatus(member, status, ev.at, ev.event.id))]);
}

/** `member-withdrew` (the member itself). */
export function onMemberWithdrew(state: Readonly<GovState>, ev: Applied): Step {
  void (ev.event.data as MemberWithdrew);
  const code = ev.event.source;
  const member = state.members[code];
  if (!member || member.status !== "active") return refused(RejectionReason.NotAMember, `${code} is not an active member`);
  return applied(`${code} withdrew`, [put("members", code, withStatus(member, "withdrawn", ev.at, ev.event.id))]);
}
