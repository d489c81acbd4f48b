import { z } from "zod";
import { DataBase } from "./common.js";
import {
  AlertFields,
  CapacityFields,
  capacityScheduleRule,
  isCapacityScheduleOrdered,
  isRegistrationBeforeStart,
  isValidityWindowOrdered,
  PracticeFields,
  registrationDeadlineRule,
  validityWindowRule,
} from "./kinds.js";

/** What makes a priority area's four schemas differ: its facets, its case details, its words. */
export interface AreaSpec<F extends z.ZodRawShape, D extends z.ZodRawShape> {
  /** Schema title prefix: "Crime" gives CrimeBulletin, CrimeAlert, … */
  readonly name: string;
  /** Classification an analyst filters on; required on bulletins and alerts, optional otherwise. */
  readonly facets: z.ZodObject<F>;
  /** What a bulletin or alert says about the case itself; not part of practice or capacity. */
  readonly details: z.ZodObject<D>;
  readonly describe: { bulletin: string; alert: string; practice: string; capacity: string };
}

/**
 * The four `data` schemas of one priority area, built the same way for every area so that the
 * kinds mean the same thing on every channel.
 */
export function areaSchemas<F extends z.ZodRawShape, D extends z.ZodRawShape>(area: AreaSpec<F, D>) {
  const meta = (kind: string, description: string) => ({ title: `${area.name}${kind}`, description });
  return {
    bulletin: z
      .strictObject({ ...DataBase.shape, ...area.facets.shape, ...area.details.shape })
      .meta(meta("Bulletin", area.describe.bulletin)),
    alert: z
      .strictObject({ ...DataBase.shape, ...area.facets.shape, ...area.details.shape, ...AlertFields.shape })
      .refine((d) => isValidityWindowOrdered(d as z.infer<typeof AlertFields>), validityWindowRule)
      .meta(meta("Alert", area.describe.alert)),
    practice: z
      .strictObject({ ...DataBase.shape, ...area.facets.partial().shape, ...PracticeFields.shape })
      .meta(meta("Practice", area.describe.practice)),
    capacity: z
      .strictObject({ ...DataBase.shape, ...area.facets.partial().shape, ...CapacityFields.shape })
      .refine((d) => isCapacityScheduleOrdered(d as z.infer<typeof CapacityFields>), capacityScheduleRule)
      .refine((d) => isRegistrationBeforeStart(d as z.infer<typeof CapacityFields>), registrationDeadlineRule)
      .meta(meta("Capacity", area.describe.capacity)),
  };
}
