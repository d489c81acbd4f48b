import type { ActionRejected } from "../../../schemas/governance/index.js";
import { put } from "./helpers.js";
import type { Applied, GovState, Refusal, Step } from "./types.js";

/**
 * `action-rejected` (secretariat): it answers a refusal that the fold itself recorded, with the
 * same reason. Any other is ignored: the host cannot invent refusals either.
 */
export function onActionRejected(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as ActionRejected;
  const refusal = state.refusals[d.action];
  const ignore = (detail: string): Step => ({ outcome: { kind: "ignored", detail }, changes: [] });
  if (!refusal) return ignore(`no refused action ${d.action}`);
  if (refusal.answeredBy) return ignore(`refusal of ${d.action} was answered by ${refusal.answeredBy}`);
  if (refusal.reason !== d.reason || refusal.kind !== d.kind || refusal.actor !== d.actor) {
    return ignore(`the answer says ${d.kind} by ${d.actor}: ${d.reason}; the replay says ${refusal.kind} by ${refusal.actor}: ${refusal.reason}`);
  }
  const answered: Refusal = { ...refusal, answeredBy: ev.event.id };
  return { outcome: { kind: "applied", note: `refusal of ${d.action} answered` }, changes: [put("refusals", d.action, answered)] };
}
