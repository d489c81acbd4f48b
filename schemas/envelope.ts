import { z } from "zod";
import { dateTime } from "./data/common.js";
import { DataContentType, Evaluation, EventRef, Handling, Lang, OriginCode, Tlp, TYPE_PATTERN } from "./protocol.js";

/**
 * The CloudEvents 1.0 structured-mode envelope of wire protocol v1 (docs/protocol.md §2).
 * Strict: an unknown attribute is a schema failure, so nothing unsigned-by-meaning rides along.
 * `data` is checked separately, by the schema that `type` names (see `parseEvent`).
 */
export const Envelope = z.strictObject({
  specversion: z.literal("1.0"),
  id: z.uuid({ version: "v4" }),
  source: OriginCode,
  type: z.string().regex(TYPE_PATTERN, "alliance.<channel>.<kind>.v<major>"),
  time: dateTime(),
  datacontenttype: z.enum([DataContentType.Json, DataContentType.Sealed]),
  tlp: Tlp,
  lang: Lang,
  expires: dateTime().optional(),
  recipients: z.array(OriginCode).min(1).max(64)
    .refine((codes) => new Set(codes).size === codes.length, "recipients must not repeat")
    .optional(),
  // v1.1 (§1b.3): optional, additive; a v1 message has none of them.
  handling: Handling.optional(),
  handlingnote: z.string().min(1).max(500).optional(),
  evaluation: Evaluation.optional(),
  derivedfrom: EventRef.optional(),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;

/** An envelope whose `data` has passed the schema of its `type`. */
export type AllianceEvent<D = unknown> = Omit<Envelope, "data"> & { data: D };
