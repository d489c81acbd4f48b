import { z } from "zod";
import { Lang, MemberCode } from "../protocol.js";
import { CalendarDate, CountryCode, line, text, Timestamp, uniqueList } from "./common.js";

/**
 * The fields each kind adds on every priority channel: an alert is time-bound and asks for
 * action, a practice tells what was learnt and whom to ask, a capacity message describes a
 * training programme offered or requested. Cross-field rules (date order) are refinements,
 * which JSON Schema cannot express; the descriptions say them in words.
 */

/** How fast recipients are expected to act on an alert. */
export const Urgency = z
  .enum(["routine", "priority", "immediate", "flash"])
  .meta({
    title: "Urgency",
    description: "routine: within days; priority: within 24 h; immediate: within the hour; flash: at once.",
  });
export type Urgency = z.infer<typeof Urgency>;

export const AlertFields = z.strictObject({
  urgency: Urgency,
  validFrom: Timestamp.describe("Start of the period the alert applies to."),
  validUntil: Timestamp.describe("End of the period the alert applies to; strictly after validFrom."),
  requestedAction: text(2000).describe("What the publisher asks recipients to do (check, stop, report back)."),
});

/** True unless both timestamps parse and `validUntil` is not after `validFrom`. */
export function isValidityWindowOrdered(d: { validFrom: string; validUntil: string }): boolean {
  const from = Date.parse(d.validFrom);
  const until = Date.parse(d.validUntil);
  // An unparseable timestamp is already reported by its own field.
  if (Number.isNaN(from) || Number.isNaN(until)) return true;
  return until > from;
}
export const validityWindowRule = { error: "validUntil must be after validFrom", path: ["validUntil"] };

/** Whom to contact about a practice or programme: a unit, and optionally a named officer. */
export const ContactPoint = z
  .strictObject({
    unit: line(200).describe("Organisational unit, e.g. \"Directorate of Cybercrime, Ministry of Interior\"."),
    name: line(120).optional().describe("Officer's name or function."),
    email: z.email().max(254).optional(),
    phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, "an E.164 number such as +97317000000").optional()
      .describe("E.164 telephone number."),
  })
  .meta({ title: "ContactPoint", description: "Point of contact for follow-up." });
export type ContactPoint = z.infer<typeof ContactPoint>;

export const PracticeFields = z.strictObject({
  lessonsLearned: z.array(text(2000)).min(1).max(20).describe("What worked, what did not, and why."),
  applicability: text(2000).describe("Where the practice transfers: legal prerequisites, resources, contexts."),
  contactPoint: ContactPoint,
});

/** Whether the publishing side offers a programme or asks for one. */
export const CapacityMode = z
  .enum(["offered", "requested"])
  .meta({ title: "CapacityMode", description: "offered: the member provides it; requested: the member asks for it." });
export type CapacityMode = z.infer<typeof CapacityMode>;

/** Where a programme takes place; in-person and hybrid programmes name a city and country. */
export const Location = z
  .strictObject({
    format: z.enum(["in-person", "online", "hybrid"]),
    country: CountryCode.optional(),
    city: line(100).optional(),
    venue: line(200).optional(),
  })
  .refine((l) => l.format === "online" || (l.country !== undefined && l.city !== undefined), {
    error: "in-person and hybrid programmes need a country and a city",
    path: ["city"],
  })
  .meta({ title: "Location", description: "Where the programme runs; in-person and hybrid require country and city." });
export type Location = z.infer<typeof Location>;

export const CapacityFields = z.strictObject({
  programme: line(200).describe("Programme name."),
  mode: CapacityMode,
  member: MemberCode.describe("The member offering (mode offered) or requesting (mode requested) the programme."),
  startDate: CalendarDate.describe("First day."),
  endDate: CalendarDate.describe("Last day; on or after startDate."),
  seats: z.int().positive().max(10_000).describe("Places offered, or participants to train."),
  location: Location,
  deliveryLanguages: uniqueList(Lang, 5, "Languages the programme is delivered in."),
  registrationDeadline: CalendarDate.optional().describe("Last day to register; on or before startDate."),
  contactPoint: ContactPoint.optional(),
});

/** The date rules of a capacity message; ISO dates compare as strings. */
export function isCapacityScheduleOrdered(d: { startDate: string; endDate: string }): boolean {
  return d.endDate >= d.startDate;
}
export const capacityScheduleRule = { error: "endDate must not be before startDate", path: ["endDate"] };

export function isRegistrationBeforeStart(d: { startDate: string; registrationDeadline?: string | undefined }): boolean {
  return d.registrationDeadline === undefined || d.registrationDeadline <= d.startDate;
}
export const registrationDeadlineRule = {
  error: "registrationDeadline must not be after startDate",
  path: ["registrationDeadline"],
};
