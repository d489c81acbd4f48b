import type { OperatingRules, VoteRule } from "../../../schemas/governance/index.js";
import { activeMembers } from "./helpers.js";
import type { GovState, Matter, Vote } from "./types.js";

/**
 * The founding default, in force until the members adopt an operating model: every decision
 * (admission, amendment, sanctions) needs the unanimity of the active members, and a working
 * group is active from two members, with room for the whole alliance.
 */
export const FOUNDING_RULES: OperatingRules = Object.freeze({
  admission: { kind: "unanimity" },
  amendment: { kind: "unanimity" },
  sanctions: { kind: "unanimity" },
  workingGroups: { minMembers: 2, maxMembers: 200 },
}) as OperatingRules;

export function rulesInForce(state: Readonly<GovState>): OperatingRules {
  return state.model.adopted?.rules ?? FOUNDING_RULES;
}

export function ruleFor(state: Readonly<GovState>, matter: Matter): VoteRule {
  const rules = rulesInForce(state);
  if (matter.kind === "application") return rules.admission;
  if (matter.kind === "operating-model") return rules.amendment;
  return rules.sanctions;
}

/** Who may vote on a matter now: the active members, less the member a motion is about. */
export function eligibleVoters(state: Readonly<GovState>, matter: Matter): string[] {
  const active = activeMembers(state);
  return matter.kind === "motion" ? active.filter((code) => code !== matter.motion.member) : active;
}

/** Approvals a rule needs among `eligible` voters. */
export function requiredApprovals(rule: VoteRule, eligible: number): number {
  return rule.kind === "unanimity" ? eligible : Math.ceil((eligible * rule.numerator) / rule.denominator);
}

export type Verdict = "carried" | "defeated" | "open";

export interface Tally {
  readonly rule: VoteRule;
  readonly eligible: readonly string[];
  readonly required: number;
  /** Counted votes only: cast by members who are eligible now. */
  readonly approvals: readonly Vote[];
  readonly rejections: readonly Vote[];
  readonly verdict: Verdict;
}

/** Where a matter stands under the rule in force, counting the votes of eligible members. */
export function tally(state: Readonly<GovState>, matter: Matter): Tally {
  const rule = ruleFor(state, matter);
  const eligible = eligibleVoters(state, matter);
  const counted = Object.values(matter.votes).filter((v) => eligible.includes(v.voter));
  const approvals = counted.filter((v) => v.vote === "approve");
  const rejections = counted.filter((v) => v.vote === "reject");
  const required = requiredApprovals(rule, eligible.length);
  let verdict: Verdict = "open";
  if (eligible.length > 0 && approvals.length >= required) verdict = "carried";
  else if (eligible.length > 0 && eligible.length - rejections.length < required) verdict = "defeated";
  return { rule, eligible, required, approvals, rejections, verdict };
}

/**
 * Checks the votes a decision names: each a recorded vote on this matter, with the expected
 * choice, by a member eligible now; together enough to carry (approve) or to defeat (reject).
 */
export function checkNamedVotes(state: Readonly<GovState>, matter: Matter, voteIds: readonly string[], choice: "approve" | "reject"): { ok: true } | { ok: false; detail: string } {
  const byEvent = new Map(Object.values(matter.votes).map((v) => [v.event, v]));
  const eligible = eligibleVoters(state, matter);
  for (const id of voteIds) {
    const vote = byEvent.get(id);
    if (!vote) return { ok: false, detail: `vote ${id} is not a recorded vote on ${matter.id}` };
    if (vote.vote !== choice) return { ok: false, detail: `vote ${id} is "${vote.vote}", not "${choice}"` };
    if (!eligible.includes(vote.voter)) return { ok: false, detail: `vote ${id} is by ${vote.voter}, not an eligible member now` };
  }
  const rule = ruleFor(state, matter);
  const required = requiredApprovals(rule, eligible.length);
  if (eligible.length === 0) return { ok: false, detail: "no member is eligible to vote" };
  if (choice === "approve" && voteIds.length < required) {
    return { ok: false, detail: `${voteIds.length} approving vote(s) named; the rule needs ${required} of ${eligible.length}` };
  }
  if (choice === "reject" && eligible.length - voteIds.length >= required) {
    return { ok: false, detail: `${voteIds.length} rejecting vote(s) named; ${required} of ${eligible.length} could still approve` };
  }
  return { ok: true };
}
