import type { WorkingGroupFormed, WorkingGroupJoined, WorkingGroupLeft } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import { applied, isActiveMember, put, refused } from "./helpers.js";
import { rulesInForce } from "./rules.js";
import type { Applied, GovState, GroupView, Step } from "./types.js";

/** Sub-working-groups: formed by the secretariat around a lead, joined and left by members. */

export function onWorkingGroupFormed(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as WorkingGroupFormed;
  if (!isActiveMember(state, d.lead)) return refused(RejectionReason.NotAMember, `lead ${d.lead} is not an active member`);
  const twin = Object.values(state.groups).find((g) => g.area === d.area && g.name === d.name);
  if (twin) return refused(RejectionReason.Duplicate, `${d.area} already has a group named "${d.name}" (${twin.id})`);
  const group: GroupView = {
    id: ev.event.id, area: d.area, name: d.name, mandate: d.mandate, lead: d.lead, formedAt: ev.at,
    members: { [d.lead]: { since: ev.at, event: ev.event.id } },
  };
  return applied(`working group "${d.name}" formed`, [put("groups", group.id, group)]);
}

export function onWorkingGroupJoined(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as WorkingGroupJoined;
  const code = ev.event.source;
  const group = state.groups[d.group];
  if (!group) return refused(RejectionReason.Unknown, `no working group ${d.group}`);
  if (!isActiveMember(state, code)) return refused(RejectionReason.NotAMember, `${code} is not an active member`);
  if (group.members[code]) return refused(RejectionReason.Duplicate, `${code} is already in "${group.name}"`);
  const { maxMembers } = rulesInForce(state).workingGroups;
  if (Object.keys(group.members).length >= maxMembers) return refused(RejectionReason.GroupFull, `"${group.name}" has its ${maxMembers} members`);
  const next: GroupView = { ...group, members: { ...group.members, [code]: { since: ev.at, event: ev.event.id } } };
  return applied(`${code} joined "${group.name}"`, [put("groups", group.id, next)]);
}

export function onWorkingGroupLeft(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as WorkingGroupLeft;
  const code = ev.event.source;
  const group = state.groups[d.group];
  if (!group) return refused(RejectionReason.Unknown, `no working group ${d.group}`);
  if (!group.members[code]) return refused(RejectionReason.NotParticipating, `${code} is not in "${group.name}"`);
  if (group.lead === code) return refused(RejectionReason.LeadCannotLeave, `${code} leads "${group.name}"`);
  const { [code]: _left, ...members } = group.members;
  return applied(`${code} left "${group.name}"`, [put("groups", group.id, { ...group, members })]);
}

/** A group is active from the minimum size the rules in force set, forming below it. */
export function groupStatus(state: Readonly<GovState>, group: GroupView): "forming" | "active" {
  return Object.keys(group.members).length >= rulesInForce(state).workingGroups.minMembers ? "active" : "forming";
}
