import { z } from "zod";
import { HttpUrl, LanguageTag, line, Timestamp, uniqueList } from "./common.js";
import { areaSchemas } from "./area.js";

/** `data` schemas of the `extremism` channel, including terrorism spread on social media. */

/** Ideology category, after the Europol TE-SAT typology. */
export const Ideology = z
  .enum([
    "jihadist",
    "ethno-nationalist-separatist",
    "right-wing",
    "left-wing-anarchist",
    "single-issue",
    "mixed",
    "undetermined",
  ])
  .meta({ title: "Ideology", description: "Ideology category (Europol TE-SAT typology); undetermined when not yet known." });
export type Ideology = z.infer<typeof Ideology>;

export const Platform = z
  .enum([
    "facebook",
    "instagram",
    "threads",
    "x",
    "youtube",
    "tiktok",
    "snapchat",
    "telegram",
    "whatsapp",
    "signal",
    "discord",
    "reddit",
    "vk",
    "twitch",
    "rumble",
    "gaming",
    "forum",
    "website",
    "file-sharing",
    "other",
  ])
  .meta({ title: "Platform", description: "Online platform or platform family where content or accounts were seen." });
export type Platform = z.infer<typeof Platform>;

const HashAlgorithm = z.enum(["md5", "sha1", "sha256", "pdq"]);
/** Hex digits per algorithm (PDQ is a 256-bit perceptual hash). */
const HASH_HEX_LENGTH: Record<z.infer<typeof HashAlgorithm>, number> = { md5: 32, sha1: 40, sha256: 64, pdq: 64 };

const observedAt = Timestamp.optional().describe("When the indicator was last observed.");

/** Something an analyst can look for on a platform: a hashtag, an account, a URL, a file hash. */
export const Indicator = z
  .discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("hashtag"),
      value: z.string().regex(/^#[^\x00-\x20\x7F#]{1,139}$/, "a hashtag such as #example").describe("With the leading #."),
      platform: Platform.optional(),
      observedAt,
    }).meta({ title: "HashtagIndicator" }),
    z.strictObject({
      type: z.literal("handle"),
      value: z.string().regex(/^@?[^\x00-\x20\x7F@]{1,100}$/, "an account handle").describe("Account handle or channel name."),
      platform: Platform,
      observedAt,
    }).meta({ title: "HandleIndicator" }),
    z.strictObject({
      type: z.literal("url"),
      value: HttpUrl,
      platform: Platform.optional(),
      observedAt,
    }).meta({ title: "UrlIndicator" }),
    z.strictObject({
      type: z.literal("content-hash"),
      algorithm: HashAlgorithm,
      value: z.string().regex(/^[0-9a-f]{32,64}$/, "lowercase hex").describe("Lowercase hex digest."),
      description: line(300).optional().describe("What the hashed content is (video, image, PDF)."),
      platform: Platform.optional(),
      observedAt,
    })
      .refine((h) => h.value.length === HASH_HEX_LENGTH[h.algorithm], {
        error: "digest length does not match the algorithm",
        path: ["value"],
      })
      .meta({ title: "ContentHashIndicator", description: "md5: 32, sha1: 40, sha256 and pdq: 64 hex digits." }),
  ])
  .meta({ title: "Indicator", description: "A social-media indicator: hashtag, handle, URL or content hash." });
export type Indicator = z.infer<typeof Indicator>;

/** The facets an analyst filters extremism messages by. */
const ExtremismFacets = z.strictObject({
  ideology: Ideology,
  platforms: uniqueList(Platform, 20, "Platforms concerned.").optional(),
  propagandaThemes: z.array(line(200)).min(1).max(20).optional()
    .describe("Narratives pushed, e.g. recruitment, glorification of attacks, calls to travel."),
  languagesObserved: uniqueList(LanguageTag, 20, "Languages the content was seen in.").optional(),
});

/** What a bulletin or alert adds: the indicators themselves. */
const ExtremismDetails = z.strictObject({
  indicators: z.array(Indicator).max(200).optional(),
});

const extremism = areaSchemas({
  name: "Extremism",
  facets: ExtremismFacets,
  details: ExtremismDetails,
  describe: {
    bulletin: "Information shared on extremism and terrorism, including its spread on social media.",
    alert: "Urgent, time-bound warning on extremism; validUntil is after validFrom.",
    practice: "Expertise and best practice in preventing and countering extremism.",
    capacity: "Capacity-building programme on extremism, offered or requested; endDate >= startDate >= registrationDeadline.",
  },
});

export const ExtremismBulletin = extremism.bulletin;
export type ExtremismBulletin = z.infer<typeof ExtremismBulletin>;
export const ExtremismAlert = extremism.alert;
export type ExtremismAlert = z.infer<typeof ExtremismAlert>;
export const ExtremismPractice = extremism.practice;
export type ExtremismPractice = z.infer<typeof ExtremismPractice>;
export const ExtremismCapacity = extremism.capacity;
export type ExtremismCapacity = z.infer<typeof ExtremismCapacity>;
