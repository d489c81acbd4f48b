import { z } from "zod";
import { ContactPoint } from "../data/kinds.js";
import { EventId, line, text, Timestamp } from "../data/common.js";
import { PriorityChannel } from "../protocol.js";

/** `project-proposed` (by the secretariat): circulated for ministries to register in. */
export const ProjectProposed = z
  .strictObject({
    title: line(200),
    area: PriorityChannel,
    description: text(10_000),
    deadline: Timestamp.describe("Registrations received after this instant are refused; it lies after the proposal."),
    workingGroup: EventId.optional().describe("The working group that carries the project, if any."),
  })
  .meta({ title: "ProjectProposed", description: "A proposed project; its id is this event's id." });
export type ProjectProposed = z.infer<typeof ProjectProposed>;

export const ProjectRegistered = z
  .strictObject({
    project: EventId,
    contribution: text(2000).optional().describe("What the ministry brings."),
    contactPoint: ContactPoint.optional(),
  })
  .meta({ title: "ProjectRegistered", description: "The signing member registers in the project, before its deadline." });
export type ProjectRegistered = z.infer<typeof ProjectRegistered>;

export const ProjectWithdrawn = z
  .strictObject({ project: EventId, reason: text(2000).optional() })
  .meta({ title: "ProjectWithdrawn", description: "The signing member withdraws its registration." });
export type ProjectWithdrawn = z.infer<typeof ProjectWithdrawn>;

export const ProjectClosed = z
  .strictObject({ project: EventId, reason: text(2000).optional() })
  .meta({ title: "ProjectClosed", description: "The secretariat closes the project: no registration or withdrawal after it." });
export type ProjectClosed = z.infer<typeof ProjectClosed>;
