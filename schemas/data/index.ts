import type { z } from "zod";
import { eventType, PriorityChannel, PriorityKind } from "../protocol.js";
import { BorderAlert, BorderBulletin, BorderCapacity, BorderPractice } from "./border.js";
import { CrimeAlert, CrimeBulletin, CrimeCapacity, CrimePractice } from "./crime.js";
import { ExtremismAlert, ExtremismBulletin, ExtremismCapacity, ExtremismPractice } from "./extremism.js";

/** The `data` schema of each kind on each priority channel. */
const byChannel = {
  crime: { bulletin: CrimeBulletin, alert: CrimeAlert, practice: CrimePractice, capacity: CrimeCapacity },
  extremism: {
    bulletin: ExtremismBulletin,
    alert: ExtremismAlert,
    practice: ExtremismPractice,
    capacity: ExtremismCapacity,
  },
  border: { bulletin: BorderBulletin, alert: BorderAlert, practice: BorderPractice, capacity: BorderCapacity },
} as const satisfies Record<PriorityChannel, Record<PriorityKind, z.ZodType>>;

/**
 * The `data` schema for a kind on a priority channel.
 *
 * @example priorityDataSchemaOf("crime", "alert").safeParse(data)
 */
export function priorityDataSchemaOf(channel: PriorityChannel, kind: PriorityKind): z.ZodType {
  return byChannel[channel][kind];
}

/** The 12 priority-channel `data` schemas keyed by CloudEvents type, e.g. "alliance.crime.bulletin.v1". */
export const priorityDataSchemas: Record<string, z.ZodType> = Object.fromEntries(
  PriorityChannel.options.flatMap((channel) =>
    PriorityKind.options.map((kind) => [eventType(channel, kind), byChannel[channel][kind]] as const),
  ),
);

export { BorderAlert, BorderBulletin, BorderCapacity, BorderPractice };
export { CrimeAlert, CrimeBulletin, CrimeCapacity, CrimePractice };
export { ExtremismAlert, ExtremismBulletin, ExtremismCapacity, ExtremismPractice };
export { CrossingPoint, CrossingType, DocumentType, Route, RoutePoint } from "./border.js";
export { Aircraft, Conveyance, Vehicle, Vessel } from "./conveyance.js";
export { Commodity, CommodityType, CriminalOrganisation, OffenceCategory } from "./crime.js";
export { Ideology, Indicator, Platform } from "./extremism.js";
export { CapacityMode, ContactPoint, Location, Urgency } from "./kinds.js";
export {
  CalendarDate,
  CountryCode,
  DataBase,
  EventId,
  HttpUrl,
  LanguageTag,
  Reference,
  Timestamp,
  Translation,
  UnLocode,
} from "./common.js";
