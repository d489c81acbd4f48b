import { z } from "zod";
import { CountryCode, line } from "./common.js";

/**
 * Vessels, vehicles and aircraft named in border messages. Each carries at least one identifier
 * a border officer can check against a register; the formats are the registers' own.
 */

/** IMO ship number check digit: digits 1–6 weighted 7..2, sum mod 10 equals digit 7. */
export function isImoNumber(imo: string): boolean {
  if (!/^[0-9]{7}$/.test(imo)) return false;
  let sum = 0;
  for (let i = 0; i < 6; i++) sum += Number(imo[i]) * (7 - i);
  return sum % 10 === Number(imo[6]);
}

const atLeastOne = (keys: readonly string[]) => (o: Record<string, unknown>) => keys.some((k) => o[k] !== undefined);

const VESSEL_IDS = ["imo", "mmsi", "callSign", "name"] as const;
export const Vessel = z
  .strictObject({
    type: z.literal("vessel"),
    imo: z.string().regex(/^[0-9]{7}$/, "7 digits").refine(isImoNumber, "IMO check digit does not match").optional()
      .describe("IMO ship identification number, 7 digits without the \"IMO\" prefix."),
    mmsi: z.string().regex(/^[0-9]{9}$/, "9 digits").optional().describe("Maritime Mobile Service Identity."),
    callSign: z.string().regex(/^[A-Z0-9]{3,9}$/, "an ITU call sign").optional(),
    name: line(100).optional().describe("Vessel name as painted."),
    flag: CountryCode.optional().describe("Flag state."),
    vesselType: z.enum(["cargo", "container", "tanker", "ro-ro", "passenger", "fishing", "pleasure", "go-fast", "inflatable", "other"]).optional(),
  })
  .refine(atLeastOne(VESSEL_IDS), "a vessel needs one of imo, mmsi, callSign, name")
  .meta({ title: "Vessel", description: "A ship or boat; at least one of imo, mmsi, callSign, name." });
export type Vessel = z.infer<typeof Vessel>;

const VEHICLE_IDS = ["plate", "vin"] as const;
export const Vehicle = z
  .strictObject({
    type: z.literal("vehicle"),
    plate: line(20).optional().describe("Registration plate as shown, any script."),
    plateCountry: CountryCode.optional().describe("Country that issued the plate."),
    vin: z.string().regex(/^[A-HJ-NPR-Z0-9]{17}$/, "a 17-character VIN").optional().describe("ISO 3779 vehicle identification number."),
    description: line(200).optional().describe("Make, model, colour, type (lorry, van, car)."),
  })
  .refine(atLeastOne(VEHICLE_IDS), "a vehicle needs a plate or a VIN")
  .meta({ title: "Vehicle", description: "A road vehicle or trailer; at least one of plate, vin." });
export type Vehicle = z.infer<typeof Vehicle>;

const AIRCRAFT_IDS = ["registration", "icao24", "flightNumber"] as const;
export const Aircraft = z
  .strictObject({
    type: z.literal("aircraft"),
    registration: z.string().regex(/^[A-Z0-9-]{2,10}$/, "an aircraft registration such as A6-EDA").optional(),
    icao24: z.string().regex(/^[0-9a-f]{6}$/, "6 lowercase hex digits").optional().describe("ICAO 24-bit address, hex."),
    flightNumber: z.string().regex(/^[A-Z0-9]{2,3}[0-9]{1,4}[A-Z]?$/, "a flight number such as EK0075").optional(),
    operator: line(200).optional(),
  })
  .refine(atLeastOne(AIRCRAFT_IDS), "an aircraft needs one of registration, icao24, flightNumber")
  .meta({ title: "Aircraft", description: "An aircraft or flight; at least one of registration, icao24, flightNumber." });
export type Aircraft = z.infer<typeof Aircraft>;

export const Conveyance = z
  .discriminatedUnion("type", [Vessel, Vehicle, Aircraft])
  .meta({ title: "Conveyance", description: "A vessel, vehicle or aircraft concerned." });
export type Conveyance = z.infer<typeof Conveyance>;
