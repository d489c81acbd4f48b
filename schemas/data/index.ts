import type { z } from "zod";
import { eventType, PriorityChannel, PriorityKind } from "../protocol.js";
import { BorderAlert, BorderBulletin, BorderCapacity, BorderPractice } from "./border.js";
import { CrimeAlert, CrimeBulletin, CrimeCapacity, CrimePractice } from "./crime.js";
import { ExtremismAlert, ExtremismBulletin, ExtremismCapacity, ExtremismPractice } from "./extremism.js";
import { Receipt, Request, Response, Retract } from "./tracking.js";

/** v1.1 control kinds: one schema each, the same on every channel. */
const control = { request: Request, response: Response, receipt: Receipt, retract: Retract } as const;

/** The `data` schema of each kind on each priority channel. */
const byChannel = {
  crime: { bulletin: CrimeBulletin, alert: CrimeAlert, practice: CrimePractice, capacity: CrimeCapacity, ...control },
  extremism: {
    bulletin: ExtremismBulletin,
    alert: ExtremismAlert,
    practice: ExtremismPractice,
    capacity: ExtremismCapacity,
    ...control,
  },
  border: { bulletin: BorderBulletin, alert: BorderAlert, practice: BorderPractice, capacity: BorderCapacity, ...control },
} as const satisfies Record<PriorityChannel, Record<PriorityKind, z.ZodType>>;

/**
 * The `data` schema for a kind on a priority channel.
 *
 * @example priorityDataSchemaOf("crime", "alert").safeParse(data)
 */
export function priorityDataSchemaOf(channel: PriorityChannel, kind: PriorityKind): z.ZodType {
  return byChannel[channel][kind];
}

/** The priority-channel `data` schemas keyed by CloudEvents type, e.g. "alliance.crime.bulletin.v1". */
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
export { DIRECTIVE_LIMIT_SECONDS, isDueConsistent, Receipt, ReceiptStatus, Request, RequestUrgency, Response, Retract } from "./tracking.js";
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
