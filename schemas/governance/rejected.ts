import { z } from "zod";
import { EventId, line } from "../data/common.js";
import { GovernanceKind, OriginCode } from "../protocol.js";

/** Why the secretariat refused an action: a closed set, so that members can branch on it. */
export const RejectionReason = {
  /** The actor is not an active member (the secretariat voting, a lead who is not a member). */
  NotAMember: "not-a-member",
  /** Only the secretariat, or only a member, may do this. */
  NotAuthorised: "not-authorised",
  /** A member voting on a motion about itself. */
  NotEligible: "not-eligible",
  AlreadyVoted: "already-voted",
  /** The application, draft, motion, group, project, declaration or key named does not exist. */
  Unknown: "unknown",
  /** The matter is decided, the project closed. */
  Closed: "closed",
  /** The vote names the wrong kind of matter. */
  WrongMatter: "wrong-matter",
  DeadlinePassed: "deadline-passed",
  /** Already registered, joined, signed, applied, or a version already used. */
  Duplicate: "duplicate",
  /** Withdrawing or leaving without being in it. */
  NotParticipating: "not-participating",
  GroupFull: "group-full",
  LeadCannotLeave: "lead-cannot-leave",
  HashMismatch: "hash-mismatch",
  /** A key that is not the actor's, not current, or a kid used before. */
  KeyConflict: "key-conflict",
  /** The decision's votes do not satisfy the rule in force, or name votes that do not count. */
  VotesInsufficient: "votes-insufficient",
  /** Anything else the state refuses (a stale version, a deadline in the past). */
  Invalid: "invalid",
} as const;
export type RejectionReason = (typeof RejectionReason)[keyof typeof RejectionReason];
export const REJECTION_REASONS = Object.values(RejectionReason) as [RejectionReason, ...RejectionReason[]];

/** `action-rejected` (by the secretariat): its signed answer to an action it refused. */
export const ActionRejected = z
  .strictObject({
    action: EventId.describe("Id of the refused event."),
    kind: GovernanceKind.describe("The refused event's kind."),
    actor: OriginCode.describe("The refused event's source."),
    reason: z.enum(REJECTION_REASONS),
    detail: line(500),
  })
  .meta({ title: "ActionRejected", description: "The secretariat's answer to an action its state refused; valid only for an action a replay of the stream also refuses." });
export type ActionRejected = z.infer<typeof ActionRejected>;
