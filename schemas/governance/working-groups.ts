import { z } from "zod";
import { EventId, line, text } from "../data/common.js";
import { MemberCode, PriorityChannel } from "../protocol.js";

/** `working-group-formed` (by the secretariat); the lead is its first member. */
export const WorkingGroupFormed = z
  .strictObject({
    area: PriorityChannel.describe("The priority area the group works on."),
    name: line(200),
    mandate: text(5000),
    lead: MemberCode.describe("An active member; it belongs to the group from its formation and cannot leave it."),
  })
  .meta({ title: "WorkingGroupFormed", description: "A sub-working-group on one priority area; its id is this event's id." });
export type WorkingGroupFormed = z.infer<typeof WorkingGroupFormed>;

export const WorkingGroupJoined = z
  .strictObject({ group: EventId.describe("Id of the working-group-formed event.") })
  .meta({ title: "WorkingGroupJoined", description: "The signing member joins the group." });
export type WorkingGroupJoined = z.infer<typeof WorkingGroupJoined>;

export const WorkingGroupLeft = z
  .strictObject({ group: EventId.describe("Id of the working-group-formed event.") })
  .meta({ title: "WorkingGroupLeft", description: "The signing member leaves the group." });
export type WorkingGroupLeft = z.infer<typeof WorkingGroupLeft>;
