import { RejectionReason, SecretariatKind } from "../../../schemas/governance/index.js";
import { SECRETARIAT_KIND_ACTOR } from "../../../schemas/governance/common.js";
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

const K = SecretariatKind;
/** Each kind's transition; who may perform it is SECRETARIAT_KIND_ACTOR (schemas/governance/common.ts). */
const transitions: Record<SecretariatKind, { apply: (state: Readonly<GovState>, ev: Applied) => Step }> = {
  [K.MembershipApplied]: { apply: onMembershipApplied },
  [K.VoteCast]: { apply: onVoteCast },
  [K.MembershipDecided]: { apply: onMembershipDecided },
  [K.MotionFiled]: { apply: onMotionFiled },
  [K.MemberSuspended]: { apply: (s, ev) => onMemberSanction(s, ev, "suspend") },
  [K.MemberReinstated]: { apply: (s, ev) => onMemberSanction(s, ev, "reinstate") },
  [K.MemberWithdrew]: { apply: onMemberWithdrew },
  [K.KeyRotated]: { apply: onKeyRotated },
  [K.KeyRevoked]: { apply: onKeyRevoked },
  [K.EncKeyRotated]: { apply: onEncKeyRotated },
  [K.OperatingModelDrafted]: { apply: onOperatingModelDrafted },
  [K.OperatingModelAdopted]: { apply: onOperatingModelAdopted },
  [K.WorkingGroupFormed]: { apply: onWorkingGroupFormed },
  [K.WorkingGroupJoined]: { apply: onWorkingGroupJoined },
  [K.WorkingGroupLeft]: { apply: onWorkingGroupLeft },
  [K.ProjectProposed]: { apply: onProjectProposed },
  [K.ProjectRegistered]: { apply: onProjectRegistered },
  [K.ProjectWithdrawn]: { apply: onProjectWithdrawn },
  [K.ProjectClosed]: { apply: onProjectClosed },
  [K.DeclarationPublished]: { apply: onDeclarationPublished },
  [K.DeclarationSigned]: { apply: onDeclarationSigned },
  [K.ActionRejected]: { apply: onActionRejected },
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
  const { apply } = transitions[kind];
  const actor = SECRETARIAT_KIND_ACTOR[kind];
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
