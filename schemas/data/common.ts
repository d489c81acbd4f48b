import { z } from "zod";
import { Lang } from "../protocol.js";

/**
 * Building blocks shared by the `data` schemas of the three priority channels. Every string and
 * every array is bounded, so a hostile publisher cannot make a subscriber hold unbounded input,
 * and free text refuses the C0 control characters and DEL, so no line break or 7-bit escape
 * sequence rides in a one-line field. C1 controls (U+0080–U+009F) pass: the wire protocol has
 * always accepted them (docs/protocol.md §2.1), so whatever displays text escapes them there.
 * Patterns use only `\x` escapes and ASCII classes (`[0-9]`, never `\d`) so that Go, Java and
 * Python validators read the generated JSON Schema the same way.
 */

/** Single-line text: no C0 control characters, no DEL. */
const SINGLE_LINE = /^[^\x00-\x1F\x7F]*$/;
/** Multi-line text: tab, line feed and carriage return allowed, other control characters not. */
const MULTI_LINE = /^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F]*$/;

/** A non-empty single line of at most `max` characters. */
export function line(max: number) {
  return z.string().min(1).max(max).regex(SINGLE_LINE, "must be a single line without control characters");
}

/** Non-empty free text (paragraphs allowed) of at most `max` characters. */
export function text(max: number) {
  return z.string().min(1).max(max).regex(MULTI_LINE, "must not contain control characters");
}

/**
 * A bounded array whose items must not repeat; `uniqueItems` carries the rule into JSON Schema.
 *
 * @example uniqueList(CountryCode, 64, "Countries concerned")
 */
export function uniqueList<T extends z.ZodType>(item: T, max: number, description: string) {
  return z
    .array(item)
    .min(1)
    .max(max)
    .refine((items) => new Set(items.map((i) => JSON.stringify(i))).size === items.length, "items must not repeat")
    .meta({ uniqueItems: true, description });
}

/** Lowercase ISO 3166-1 alpha-2 country code, the same convention as member codes. */
export const CountryCode = z
  .string()
  .regex(/^[a-z]{2}$/, "a lowercase ISO 3166-1 alpha-2 code")
  .meta({ title: "CountryCode", description: "Lowercase ISO 3166-1 alpha-2 country code (members use the same codes), e.g. \"ma\"." });
export type CountryCode = z.infer<typeof CountryCode>;

/** A BCP 47 language tag, primary subtag lowercase: "ar", "ar-MA", "ur", "ru". */
export const LanguageTag = z
  .string()
  .max(35)
  .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}$/, "a BCP 47 language tag such as ar or ar-MA")
  .meta({ title: "LanguageTag", description: "BCP 47 language tag (any language, not only the alliance's five), e.g. \"ar-MA\"." });
export type LanguageTag = z.infer<typeof LanguageTag>;

/** UN/LOCODE without the space: country (2 letters) then location (3 of A-Z, 2-9). */
export const UnLocode = z
  .string()
  .regex(/^[A-Z]{2}[A-Z2-9]{3}$/, "a UN/LOCODE such as MAPTM")
  .meta({ title: "UnLocode", description: "UN/LOCODE written without the space, e.g. \"MAPTM\" (Tanger Med), \"AEJEA\" (Jebel Ali)." });
export type UnLocode = z.infer<typeof UnLocode>;

/** An http(s) URL; other schemes (javascript:, data:, file:) are refused. */
export const HttpUrl = z
  .httpUrl()
  .max(2048)
  .regex(/^https?:\/\//i, "an http or https URL")
  .meta({ format: "uri", description: "Absolute http or https URL, at most 2048 characters." });

/**
 * `YYYY-MM-DD`, a day that exists (leap years honoured). zod's own `z.iso.date()` pattern, spelt
 * with `[0-9]` instead of `\d`: in Python's and .NET's regex engines `\d` also matches other
 * scripts' digits (Arabic-Indic among them), so the generated JSON Schema would accept more there.
 */
const DATE = "(?:(?:[0-9][0-9][2468][048]|[0-9][0-9][13579][26]|[0-9][0-9]0[48]|[02468][048]00|[13579][26]00)-02-29|[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|(?:02)-(?:0[1-9]|1[0-9]|2[0-8])))";
/** `hh:mm:ss[.fraction]` then `Z` or `±hh:mm`: zod's `z.iso.datetime({ offset: true })` time part, in `[0-9]`. */
const TIME = "(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?(?:Z|([+-](?:[01][0-9]|2[0-3]):[0-5][0-9])))";
export const DATE_PATTERN = new RegExp(`^${DATE}$`);
export const DATE_TIME_PATTERN = new RegExp(`^${DATE}T${TIME}$`);

/** An RFC 3339 date-time with an explicit offset (docs/protocol.md §2.1), unbounded in length: the envelope's `time` and `expires`. */
export function dateTime() {
  return z.string().regex(DATE_TIME_PATTERN, "an RFC 3339 date-time with seconds and an offset (Z or ±hh:mm)").meta({ format: "date-time" });
}

/** RFC 3339 timestamp with an explicit offset, as in the envelope. */
export const Timestamp = dateTime().max(64).meta({ description: "RFC 3339 date-time with offset." });

/** Calendar date, ISO 8601 `YYYY-MM-DD`. */
export const CalendarDate = z.string().regex(DATE_PATTERN, "a calendar date YYYY-MM-DD").meta({ format: "date", description: "Calendar date, ISO 8601 YYYY-MM-DD." });

/** Event ids are random UUID v4, as in the envelope. */
export const EventId = z.uuid({ version: "v4" }).meta({ description: "The `id` of another alliance event (UUID v4)." });

/** A pointer to supporting material: a public or shared URL, or a reference to a document. */
export const Reference = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("url"),
      url: HttpUrl,
      title: line(300).optional().describe("What the link points to."),
    }).meta({ title: "UrlReference" }),
    z.strictObject({
      type: z.literal("document"),
      ref: line(200).describe("Document reference as the issuing body cites it, e.g. a file number."),
      title: line(300).optional().describe("Title of the document."),
      issuer: line(200).optional().describe("Issuing body, e.g. \"Ministry of Interior, Kingdom of Bahrain\"."),
    }).meta({ title: "DocumentReference" }),
  ])
  .meta({ title: "Reference", description: "Supporting material: a URL or a document reference." });
export type Reference = z.infer<typeof Reference>;

/** Title, summary and (optionally) body in another of the alliance's languages. */
export const Translation = z
  .strictObject({
    title: line(200),
    summary: text(1000),
    body: text(10_000).optional(),
  })
  .meta({ title: "Translation", description: "The message's text in another alliance language." });
export type Translation = z.infer<typeof Translation>;

/**
 * The fields every priority-channel message carries, whatever its channel or kind. Spread its
 * `shape` into a channel schema; the text is in the envelope's `lang`.
 */
export const DataBase = z.strictObject({
  title: line(200).describe("Headline, in the envelope's language."),
  summary: text(1000).describe("Two or three sentences an analyst reads before deciding to open the body."),
  body: text(10_000).describe("Full text."),
  keywords: uniqueList(line(64), 32, "Search terms chosen by the publisher."),
  references: z.array(Reference).max(32).optional().describe("Supporting material."),
  related: uniqueList(EventId, 32, "Ids of related alliance events (earlier bulletins, alerts this one updates).").optional(),
  translations: z
    .partialRecord(Lang, Translation)
    .optional()
    .describe("The text in other alliance languages, keyed by language code."),
});
export type DataBase = z.infer<typeof DataBase>;
