import { z } from "zod";
import { EventId, line, text } from "../data/common.js";
import { inFiveLanguages, VoteIds, VoteRule } from "./common.js";

/** How sub-working-groups work: a group below minMembers is forming; none grows past maxMembers. */
export const WorkingGroupMechanism = z
  .strictObject({
    minMembers: z.int().min(1).max(200),
    maxMembers: z.int().min(1).max(200),
  })
  .refine((m) => m.minMembers <= m.maxMembers, { error: "minMembers must not exceed maxMembers", path: ["minMembers"] })
  .meta({ title: "WorkingGroupMechanism", description: "A group with fewer than minMembers members is forming, otherwise active; joining a group of maxMembers is refused." });

/** The rules an operating model sets. */
export const OperatingRules = z
  .strictObject({
    admission: VoteRule.describe("Deciding membership applications."),
    amendment: VoteRule.describe("Adopting the next operating model."),
    sanctions: VoteRule.describe("Suspending, reinstating, and revoking a member's key; the member concerned does not vote."),
    workingGroups: WorkingGroupMechanism,
  })
  .meta({ title: "OperatingRules" });
export type OperatingRules = z.infer<typeof OperatingRules>;

/** `operating-model-drafted` (by the secretariat). */
export const OperatingModelDrafted = z
  .strictObject({
    version: z.int().min(1).max(10_000).describe("Greater than every adopted version."),
    title: inFiveLanguages(line(300), "The model's title in each of the five languages."),
    text: inFiveLanguages(text(20_000), "The model's text in each of the five languages."),
    rules: OperatingRules,
  })
  .meta({ title: "OperatingModelDrafted", description: "A draft operating model put to the members' vote (under the amendment rule in force)." });
export type OperatingModelDrafted = z.infer<typeof OperatingModelDrafted>;

/** `operating-model-adopted` (by the secretariat): a draft carried by the votes named. */
export const OperatingModelAdopted = z
  .strictObject({
    draft: EventId,
    version: z.int().min(1).max(10_000),
    votes: VoteIds,
  })
  .meta({ title: "OperatingModelAdopted", description: "The draft's rules are in force from this event on." });
export type OperatingModelAdopted = z.infer<typeof OperatingModelAdopted>;
