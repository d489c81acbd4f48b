import { RejectionReason, SecretariatKind } from "../../../schemas/governance/index.js";
import { GOVERNANCE_CHANNEL, parseEventType } from "../../../schemas/protocol.js";
import { onDeclarationPublished, onDeclarationSigned } from "./declaration.js";
import { put, refused } from "./helpers.js";
import { onEncKeyRotated, onKeyRevoked, onKeyRotated } from "./keys.js";
import { SECRETARIAT_ORIGIN } from "./lookup.js";
import { onMemberSanction, onMembershipApplied, onMembershipDecided, onMemberWithdrew, onVoteCast } from "./membership.js";
import { onMotionFiled } from "./motions.js";
import { onOperatingModelAdopted, onOperatingModelDrafted } from "./operating-model.js";
import { onProjectClosed, onProjectProposed, onProjectRegistered, onProjectWithdrawn } from "./projects.js";
import { onActionRejected } from "./rejections.js";
import type { Applied, Change, GovState, Refusal, Step } from "./types.js";
import { onWorkingGroupFormed, onWorkingGroupJoined, onWorkingGroupLeft } from "./working-groups.js";

/** Who may perform each kind: the secretariat, a member, or either (the state decides further). */
type Actor = "secretariat" | "member" | "either";

const K = SecretariatKind;
const transitions: Record<SecretariatKind, { actor: Actor; apply: (state: Readonly<GovState>, ev: Applied) => Step }> = {
  [K.MembershipApplied]: { actor: "secretariat", apply: onMembershipApplied },
  // Anyone signed may try; the transition answers a non-member's vote with not-a-member.
  [K.VoteCast]: { actor: "either", apply: onVoteCast },
  [K.MembershipDecided]: { actor: "secretariat", apply: onMembershipDecided },
  [K.MotionFiled]: { actor: "secretariat", apply: onMotionFiled },
  [K.MemberSuspended]: { actor: "secretariat", apply: (s, ev) => onMemberSanction(s, ev, "suspend") },
  [K.MemberReinstated]: { actor: "secretariat", apply: (s, ev) => onMemberSanction(s, ev, "reinstate") },
  [K.MemberWithdrew]: { actor: "member", apply: onMemberWithdrew },
  [K.KeyRotated]: { actor: "either", apply: onKeyRotated },
  [K.KeyRevoked]: { actor: "either", apply: onKeyRevoked },
  [K.EncKeyRotated]: { actor: "member", apply: onEncKeyRotated },
  [K.OperatingModelDrafted]: { actor: "secretariat", apply: onOperatingModelDrafted },
  [K.OperatingModelAdopted]: { actor: "secretariat", apply: onOperatingModelAdopted },
  [K.WorkingGroupFormed]: { actor: "secretariat", apply: onWorkingGroupFormed },
  [K.WorkingGroupJoined]: { actor: "member", apply: onWorkingGroupJoined },
  [K.WorkingGroupLeft]: { actor: "member", apply: onWorkingGroupLeft },
  [K.ProjectProposed]: { actor: "secretariat", apply: onProjectProposed },
  [K.ProjectRegistered]: { actor: "member", apply: onProjectRegistered },
  [K.ProjectWithdrawn]: { actor: "member", apply: onProjectWithdrawn },
  [K.ProjectClosed]: { actor: "secretariat", apply: onProjectClosed },
  [K.DeclarationPublished]: { actor: "secretariat", apply: onDeclarationPublished },
  [K.DeclarationSigned]: { actor: "member", apply: onDeclarationSigned },
  [K.ActionRejected]: { actor: "secretariat", apply: onActionRejected },
};

/** The kind of a secretariat event's type, or undefined for any other type. */
export function secretariatKindOf(type: string): SecretariatKind | undefined {
  const parsed = parseEventType(type);
  if (!parsed || parsed.channel !== GOVERNANCE_CHANNEL) return undefined;
  return parsed.kind in transitions ? (parsed.kind as SecretariatKind) : undefined;
}

/**
 * The state transition of one verified event: pure, no I/O. A refused action also records a
 * refusal, which the secretariat answers with a signed action-rejected (decisions.ts).
 */
export function applyEvent(state: Readonly<GovState>, ev: Applied): Step {
  const kind = secretariatKindOf(ev.event.type);
  if (!kind) return { outcome: { kind: "ignored", detail: `${ev.event.type} is not a secretariat event` }, changes: [] };
  const { actor, apply } = transitions[kind];
  const isSecretariat = ev.event.source === SECRETARIAT_ORIGIN;
  let step: Step;
  if (actor === "secretariat" && !isSecretariat) step = refused(RejectionReason.NotAuthorised, `only the secretariat may publish ${kind}`);
  else if (actor === "member" && isSecretariat) step = refused(RejectionReason.NotAuthorised, `only a member may publish ${kind}`);
  else step = apply(state, ev);
  if (step.outcome.kind !== "refused") return step;
  const refusal: Refusal = {
    action: ev.event.id, kind, actor: ev.event.source, reason: step.outcome.reason, detail: step.outcome.detail.slice(0, 500),
    at: ev.at, seq: ev.seq, answeredBy: null,
  };
  return { outcome: step.outcome, changes: [put("refusals", refusal.action, refusal)] };
}

/** Writes a step's changes into a state the caller owns, and moves it to `seq`. */
export function commit(state: GovState, seq: number, changes: readonly Change[]): void {
  for (const change of changes) {
    if (change.collection === "model") state.model = change.value;
    else (state[change.collection] as Record<string, unknown>)[change.key] = change.value;
  }
  state.lastSeq = seq;
}
