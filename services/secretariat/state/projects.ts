import type { ProjectClosed, ProjectProposed, ProjectRegistered, ProjectWithdrawn } from "../../../schemas/governance/index.js";
import { RejectionReason } from "../../../schemas/governance/index.js";
import { applied, isActiveMember, ms, put, refused } from "./helpers.js";
import type { Applied, GovState, ProjectView, Registration, Step } from "./types.js";

/** Projects: circulated by the secretariat, registered in by members before the deadline. */

export function onProjectProposed(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as ProjectProposed;
  if (ms(d.deadline) <= ms(ev.at)) return refused(RejectionReason.Invalid, `deadline ${d.deadline} is not after the proposal (${ev.at})`);
  if (d.workingGroup && !state.groups[d.workingGroup]) return refused(RejectionReason.Unknown, `no working group ${d.workingGroup}`);
  const project: ProjectView = {
    id: ev.event.id, title: d.title, area: d.area, description: d.description, deadline: d.deadline,
    ...(d.workingGroup ? { workingGroup: d.workingGroup } : {}),
    proposedAt: ev.at, status: "open", registrations: {},
  };
  return applied(`project "${d.title}" circulated`, [put("projects", project.id, project)]);
}

function openProject(state: Readonly<GovState>, id: string): { project: ProjectView } | { step: Step } {
  const project = state.projects[id];
  if (!project) return { step: refused(RejectionReason.Unknown, `no project ${id}`) };
  if (project.status === "closed") return { step: refused(RejectionReason.Closed, `project "${project.title}" is closed`) };
  return { project };
}

export function onProjectRegistered(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as ProjectRegistered;
  const code = ev.event.source;
  const found = openProject(state, d.project);
  if ("step" in found) return found.step;
  const { project } = found;
  if (!isActiveMember(state, code)) return refused(RejectionReason.NotAMember, `${code} is not an active member`);
  if (ms(ev.at) > ms(project.deadline)) return refused(RejectionReason.DeadlinePassed, `received ${ev.at}, after the deadline ${project.deadline}`);
  if (project.registrations[code]) return refused(RejectionReason.Duplicate, `${code} is already registered in "${project.title}"`);
  const registration: Registration = {
    since: ev.at, event: ev.event.id,
    ...(d.contribution ? { contribution: d.contribution } : {}),
    ...(d.contactPoint ? { contactPoint: d.contactPoint } : {}),
  };
  const next: ProjectView = { ...project, registrations: { ...project.registrations, [code]: registration } };
  return applied(`${code} registered in "${project.title}"`, [put("projects", project.id, next)]);
}

export function onProjectWithdrawn(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as ProjectWithdrawn;
  const code = ev.event.source;
  const found = openProject(state, d.project);
  if ("step" in found) return found.step;
  const { project } = found;
  if (!project.registrations[code]) return refused(RejectionReason.NotParticipating, `${code} is not registered in "${project.title}"`);
  const { [code]: _gone, ...registrations } = project.registrations;
  return applied(`${code} withdrew from "${project.title}"`, [put("projects", project.id, { ...project, registrations })]);
}

export function onProjectClosed(state: Readonly<GovState>, ev: Applied): Step {
  const d = ev.event.data as ProjectClosed;
  const found = openProject(state, d.project);
  if ("step" in found) return found.step;
  const closed: ProjectView = { ...found.project, status: "closed", closed: { event: ev.event.id, at: ev.at, ...(d.reason ? { reason: d.reason } : {}) } };
  return applied(`project "${found.project.title}" closed`, [put("projects", closed.id, closed)]);
}
