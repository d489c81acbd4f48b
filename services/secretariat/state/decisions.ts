import { SecretariatKind } from "../../../schemas/governance/index.js";
import { eventType, GOVERNANCE_CHANNEL } from "../../../schemas/protocol.js";
import { applyEvent } from "./apply.js";
import { SECRETARIAT_ORIGIN } from "./lookup.js";
import { tally } from "./rules.js";
import type { GovState, Matter } from "./types.js";

/** A decision the secretariat owes: what to publish, and the matter or refusal it settles. */
export interface Decision {
  /** The matter id or refused action id: one decision in flight per trigger. */
  readonly trigger: string;
  readonly kind: SecretariatKind;
  readonly data: Record<string, unknown>;
}

/** Only for the dry run below: never published. */
const DRY_RUN_ID = "00000000-0000-4000-8000-000000000000";

function decisionFor(state: Readonly<GovState>, matter: Matter): Decision | undefined {
  const t = tally(state, matter);
  const ids = (votes: readonly { event: string }[]) => votes.map((v) => v.event);
  if (matter.kind === "application") {
    if (t.verdict === "open") return undefined;
    const admitted = t.verdict === "carried";
    return {
      trigger: matter.id, kind: SecretariatKind.MembershipDecided,
      data: { application: matter.id, outcome: admitted ? "admitted" : "refused", votes: ids(admitted ? t.approvals : t.rejections), rule: t.rule },
    };
  }
  if (t.verdict !== "carried") return undefined;
  const votes = ids(t.approvals);
  if (matter.kind === "operating-model") {
    return { trigger: matter.id, kind: SecretariatKind.OperatingModelAdopted, data: { draft: matter.id, version: matter.draft.version, votes } };
  }
  const { action, member, kid, next } = matter.motion;
  if (action === "revoke-key") {
    return { trigger: matter.id, kind: SecretariatKind.KeyRevoked, data: { kid, reason: "compromise", ...(next ? { next } : {}), motion: matter.id, votes } };
  }
  const kind = action === "suspend" ? SecretariatKind.MemberSuspended : SecretariatKind.MemberReinstated;
  return { trigger: matter.id, kind, data: { member, motion: matter.id, votes } };
}

/**
 * How many of one actor's refused actions the secretariat answers, ever: its share of the
 * secretariat's `action-rejected` subject, whose cap (`quotas.governancePerSubjectMaxMsgs`) holds
 * for the alliance's life. Shared equally by `quotas.maxMembers` members and the secretariat, so
 * that one member's refused actions cannot spend the answers every other actor is owed
 * (docs/security.md, "The secretariat's answers share its caps").
 */
export function answersPerActor(quotas: { readonly maxMembers: number; readonly governancePerSubjectMaxMsgs: number }): number {
  return Math.max(1, Math.floor(quotas.governancePerSubjectMaxMsgs / (quotas.maxMembers + 1)));
}

/**
 * Every decision the state calls for now: an answer to each unanswered refusal (at most
 * `options.answersPerActor` answered refusals per actor, oldest first; the others stay in the
 * record of refusals, unanswered), and the outcome of each matter its votes have settled. A
 * candidate is kept only if the transition would accept it as the next event, so the secretariat
 * never publishes what a replay would refuse.
 */
export function dueDecisions(state: Readonly<GovState>, at: string, options: { answersPerActor?: number } = {}): Decision[] {
  const due: Decision[] = [];
  const limit = options.answersPerActor ?? Number.POSITIVE_INFINITY;
  const answered = new Map<string, number>();
  for (const refusal of Object.values(state.refusals)) {
    if (refusal.answeredBy !== null) answered.set(refusal.actor, (answered.get(refusal.actor) ?? 0) + 1);
  }
  const unanswered = Object.values(state.refusals).filter((r) => r.answeredBy === null).sort((a, b) => a.seq - b.seq);
  for (const refusal of unanswered) {
    const { action, kind, actor, reason, detail } = refusal;
    const used = answered.get(actor) ?? 0;
    if (used >= limit) continue;
    answered.set(actor, used + 1);
    due.push({ trigger: action, kind: SecretariatKind.ActionRejected, data: { action, kind, actor, reason, detail } });
  }
  for (const matter of Object.values(state.matters)) {
    if (matter.decision !== null) continue;
    const decision = decisionFor(state, matter);
    if (decision) due.push(decision);
  }
  return due.filter((d) => {
    const event = {
      specversion: "1.0" as const, id: DRY_RUN_ID, source: SECRETARIAT_ORIGIN, type: eventType(GOVERNANCE_CHANNEL, d.kind),
      time: at, datacontenttype: "application/json" as const, tlp: "GREEN" as const, lang: "en" as const, data: d.data,
    };
    const step = applyEvent(state, { event, kind: d.kind, kid: "sec:dry-run", seq: state.lastSeq + 1, at, jws: "" });
    return step.outcome.kind === "applied";
  });
}
