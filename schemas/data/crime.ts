import { z } from "zod";
import { CountryCode, line, uniqueList } from "./common.js";
import { areaSchemas } from "./area.js";

/** `data` schemas of the `crime` channel: transnational organised crime. */

/** Offence areas, close to the EU SOCTA / EMPACT crime areas so that analysts can filter. */
export const OffenceCategory = z
  .enum([
    "drug-trafficking",
    "human-trafficking",
    "migrant-smuggling",
    "firearms-trafficking",
    "money-laundering",
    "terrorist-financing",
    "cybercrime",
    "online-child-sexual-exploitation",
    "fraud",
    "excise-fraud",
    "counterfeiting",
    "document-fraud",
    "environmental-crime",
    "cultural-property-trafficking",
    "organised-property-crime",
    "vehicle-crime",
    "corruption",
    "kidnapping-extortion",
    "other",
  ])
  .meta({ title: "OffenceCategory", description: "Offence area; use \"other\" with keywords when none fits." });
export type OffenceCategory = z.infer<typeof OffenceCategory>;

export const CommodityType = z
  .enum([
    "drugs",
    "precursors",
    "firearms",
    "ammunition",
    "explosives",
    "cash",
    "crypto-assets",
    "tobacco",
    "alcohol",
    "fuel",
    "pharmaceuticals",
    "counterfeit-goods",
    "vehicles",
    "cultural-goods",
    "wildlife",
    "waste",
    "identity-documents",
    "other",
  ])
  .meta({ title: "CommodityType" });
export type CommodityType = z.infer<typeof CommodityType>;

export const Commodity = z
  .strictObject({
    type: CommodityType,
    description: line(300).describe("What exactly, e.g. \"cannabis resin\", \"9 mm pistols\"."),
    quantity: z
      .strictObject({
        amount: z.number().positive().max(1e12),
        unit: z.enum(["g", "kg", "t", "l", "items", "containers"]),
      })
      .optional()
      .describe("Quantity seized or reported."),
    value: z
      .strictObject({
        amount: z.number().nonnegative().max(1e13),
        currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 currency code").describe("ISO 4217 code, e.g. EUR, AED."),
      })
      .optional()
      .describe("Estimated value."),
  })
  .meta({ title: "Commodity", description: "Goods trafficked or moved by the scheme." });
export type Commodity = z.infer<typeof Commodity>;

export const CriminalOrganisation = z
  .strictObject({
    name: line(200).describe("Name the group is known by, or an investigative codename."),
    aliases: z.array(line(200)).max(10).optional(),
    countries: uniqueList(CountryCode, 32, "Countries where the group is active.").optional(),
    description: line(1000).optional().describe("Structure, size, roles."),
  })
  .meta({ title: "CriminalOrganisation", description: "An organised crime group or network." });
export type CriminalOrganisation = z.infer<typeof CriminalOrganisation>;

/** The facets an analyst filters crime messages by. */
const CrimeFacets = z.strictObject({
  offences: uniqueList(OffenceCategory, 12, "Offence areas concerned."),
  jurisdictions: uniqueList(
    CountryCode,
    64,
    "Countries concerned: where offences occurred, suspects are based or assets are held.",
  ).optional(),
});

/** What a bulletin or alert says about the case itself. */
const CrimeDetails = z.strictObject({
  modusOperandi: z.array(line(500)).max(20).optional().describe("How the offence is committed, one point per item."),
  organisations: z.array(CriminalOrganisation).max(20).optional(),
  commodities: z.array(Commodity).max(50).optional(),
});

const crime = areaSchemas({
  name: "Crime",
  facets: CrimeFacets,
  details: CrimeDetails,
  describe: {
    bulletin: "Information shared on transnational organised crime (channel crime, kind bulletin).",
    alert: "Urgent, time-bound warning on organised crime; validUntil is after validFrom.",
    practice: "Expertise and best practice in preventing and combating organised crime.",
    capacity: "Capacity-building programme on organised crime, offered or requested; endDate >= startDate >= registrationDeadline.",
  },
});

export const CrimeBulletin = crime.bulletin;
export type CrimeBulletin = z.infer<typeof CrimeBulletin>;
export const CrimeAlert = crime.alert;
export type CrimeAlert = z.infer<typeof CrimeAlert>;
export const CrimePractice = crime.practice;
export type CrimePractice = z.infer<typeof CrimePractice>;
export const CrimeCapacity = crime.capacity;
export type CrimeCapacity = z.infer<typeof CrimeCapacity>;
