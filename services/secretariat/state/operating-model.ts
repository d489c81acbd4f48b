import type { OperatingModelAdopted, OperatingModelDrafted } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import { applied, put, refused } from "./helpers.js";
import { checkNamedVotes } from "./rules.js";
import type { AdoptedModel, Applied, DraftMatter, GovState, Matter, ModelView, Step } from "./types.js";

/** The operating model: drafts put to the vote, adoption under the amendment rule in force. */

export function onOperatingModelDrafted(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as OperatingModelDrafted;
  const adopted = state.model.adopted?.version ?? 0;
  if (d.version <= adopted) return refused(RejectionReason.Invalid, `version ${d.version} is not newer than the adopted version ${adopted}`);
  const twin = Object.values(state.matters).find((m) => m.kind === "operating-model" && m.draft.version === d.version);
  if (twin) return refused(RejectionReason.Duplicate, `version ${d.version} was drafted by ${twin.id}`);
  const matter: DraftMatter = { id: ev.event.id, kind: "operating-model", filedAt: ev.at, votes: {}, decision: null, draft: d };
  return applied(`operating model version ${d.version} drafted`, [put("matters", matter.id, matter)]);
}

export function onOperatingModelAdopted(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as OperatingModelAdopted;
  const matter = state.matters[d.draft];
  if (!matter) return refused(RejectionReason.Unknown, `no draft ${d.draft}`);
  if (matter.kind !== "operating-model") return refused(RejectionReason.WrongMatter, `matter ${d.draft} is a ${matter.kind}`);
  if (matter.draft.version !== d.version) return refused(RejectionReason.Invalid, `draft ${d.draft} is version ${matter.draft.version}, not ${d.version}`);
  if (matter.decision) return refused(RejectionReason.Closed, `draft ${d.draft} was decided by ${matter.decision.event}`);
  if (d.version <= (state.model.adopted?.version ?? 0)) return refused(RejectionReason.Closed, `version ${d.version} is not newer than the adopted version`);
  const checked = checkNamedVotes(state, matter, d.votes, "approve");
  if (!checked.ok) return refused(RejectionReason.VotesInsufficient, checked.detail);
  const adopted: AdoptedModel = { version: d.version, draft: matter.id, event: ev.event.id, adoptedAt: ev.at, votes: [...d.votes], rules: matter.draft.rules };
  const model: ModelView = { adopted };
  const decided: Matter = { ...matter, decision: { event: ev.event.id, outcome: "adopted", at: ev.at } };
  return applied(`operating model version ${d.version} adopted`, [put("matters", matter.id, decided), { collection: "model", key: "current", value: model }]);
}
