import { z } from "zod";
import { CountryCode, line, UnLocode, uniqueList } from "./common.js";
import { Conveyance } from "./conveyance.js";
import { areaSchemas } from "./area.js";

/** `data` schemas of the `border` channel: managing and monitoring borders and ports. */

export const CrossingType = z
  .enum(["sea", "air", "land"])
  .meta({ title: "CrossingType", description: "sea: seaports and coast; air: airports; land: road, rail and green border." });
export type CrossingType = z.infer<typeof CrossingType>;

/** Travel and identity documents, after the ICAO 9303 / PRADO categories. */
export const DocumentType = z
  .enum([
    "passport",
    "diplomatic-passport",
    "national-identity-card",
    "residence-permit",
    "visa",
    "refugee-travel-document",
    "seafarer-identity-document",
    "crew-member-certificate",
    "emergency-travel-document",
    "laissez-passer",
    "driving-licence",
    "vehicle-registration",
    "other",
  ])
  .meta({ title: "DocumentType", description: "Type of travel or identity document concerned." });
export type DocumentType = z.infer<typeof DocumentType>;

/** A UN/LOCODE must start with the (uppercased) country code it is given with. */
function isLocodeInCountry(p: { country: string; unlocode?: string | undefined }): boolean {
  return p.unlocode === undefined || p.unlocode.slice(0, 2).toLowerCase() === p.country;
}
const locodeRule = { error: "unlocode must start with the country code", path: ["unlocode"] };

export const CrossingPoint = z
  .strictObject({
    name: line(200).describe("Port, airport or land crossing, e.g. \"Tanger Med\"."),
    country: CountryCode,
    unlocode: UnLocode.optional(),
    crossingType: CrossingType,
    position: z
      .strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
      .optional()
      .describe("WGS 84 coordinates in decimal degrees."),
  })
  .refine(isLocodeInCountry, locodeRule)
  .meta({ title: "CrossingPoint", description: "A port or border crossing point; unlocode starts with country." });
export type CrossingPoint = z.infer<typeof CrossingPoint>;

export const RoutePoint = z
  .strictObject({
    name: line(200).describe("Place, port or crossing."),
    country: CountryCode,
    unlocode: UnLocode.optional(),
    crossingType: CrossingType.optional().describe("How the route crosses into this point, where it is a crossing."),
  })
  .refine(isLocodeInCountry, locodeRule)
  .meta({ title: "RoutePoint" });
export type RoutePoint = z.infer<typeof RoutePoint>;

export const Route = z
  .strictObject({
    name: line(200).optional().describe("Name analysts use for the route, e.g. \"Western Mediterranean\"."),
    points: z.array(RoutePoint).min(2).max(50).describe("Ordered from origin to destination."),
  })
  .meta({ title: "Route", description: "An irregular-migration or trafficking route, as an ordered list of points." });
export type Route = z.infer<typeof Route>;

/** The facets an analyst filters border messages by. */
const BorderFacets = z.strictObject({
  crossingTypes: uniqueList(CrossingType, 3, "Kinds of border concerned."),
  documentTypes: uniqueList(DocumentType, 13, "Travel-document types concerned.").optional(),
});

/** What a bulletin or alert says about the movement itself. */
const BorderDetails = z.strictObject({
  crossingPoints: z.array(CrossingPoint).max(50).optional(),
  routes: z.array(Route).max(10).optional(),
  conveyances: z.array(Conveyance).max(50).optional().describe("Vessels, vehicles and aircraft concerned."),
});

const border = areaSchemas({
  name: "Border",
  facets: BorderFacets,
  details: BorderDetails,
  describe: {
    bulletin: "Information shared on border and port security.",
    alert: "Urgent, time-bound warning at borders or ports; validUntil is after validFrom.",
    practice: "Expertise and best practice in managing and monitoring borders and ports.",
    capacity: "Capacity-building programme on border management, offered or requested; endDate >= startDate >= registrationDeadline.",
  },
});

export const BorderBulletin = border.bulletin;
export type BorderBulletin = z.infer<typeof BorderBulletin>;
export const BorderAlert = border.alert;
export type BorderAlert = z.infer<typeof BorderAlert>;
export const BorderPractice = border.practice;
export type BorderPractice = z.infer<typeof BorderPractice>;
export const BorderCapacity = border.capacity;
export type BorderCapacity = z.infer<typeof BorderCapacity>;
