import { z } from "zod";
import { Lang, MemberCode } from "../protocol.js";

/**
 * Building blocks of the secretariat's governance events (DESIGN §1, channel `secretariat`).
 * Free text reuses the priority channels' bounded, control-character-free strings.
 */

/** The secretariat's event kinds: `alliance.secretariat.<origin>.<kind>`, type `alliance.secretariat.<kind>.v1`. */
export const SecretariatKind = {
  MembershipApplied: "membership-applied",
  VoteCast: "vote-cast",
  MembershipDecided: "membership-decided",
  MotionFiled: "motion-filed",
  MemberSuspended: "member-suspended",
  MemberReinstated: "member-reinstated",
  MemberWithdrew: "member-withdrew",
  KeyRotated: "key-rotated",
  KeyRevoked: "key-revoked",
  EncKeyRotated: "enc-key-rotated",
  OperatingModelDrafted: "operating-model-drafted",
  OperatingModelAdopted: "operating-model-adopted",
  WorkingGroupFormed: "working-group-formed",
  WorkingGroupJoined: "working-group-joined",
  WorkingGroupLeft: "working-group-left",
  ProjectProposed: "project-proposed",
  ProjectRegistered: "project-registered",
  ProjectWithdrawn: "project-withdrawn",
  ProjectClosed: "project-closed",
  DeclarationPublished: "declaration-published",
  DeclarationSigned: "declaration-signed",
  ActionRejected: "action-rejected",
} as const;
export type SecretariatKind = (typeof SecretariatKind)[keyof typeof SecretariatKind];
export const SECRETARIAT_KINDS: readonly SecretariatKind[] = Object.values(SecretariatKind);

export function isSecretariatKind(kind: string): kind is SecretariatKind {
  return (SECRETARIAT_KINDS as readonly string[]).includes(kind);
}

/** A SHA-256 digest as 64 lowercase hexadecimal characters. */
export const Sha256Hex = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "a SHA-256 digest in lowercase hex")
  .meta({ title: "Sha256Hex", description: "SHA-256 digest, 64 lowercase hexadecimal characters." });

/** One value in each of the declaration's five languages; none may be missing. */
export function inFiveLanguages<T extends z.ZodType>(item: T, description: string) {
  return z.strictObject({ ar: item, fr: item, it: item, es: item, en: item }).meta({ description });
}
/** The five languages, in the order the founding meeting named them. */
export const DECLARATION_LANGUAGES = Lang.options;

/**
 * How a vote is decided. `unanimity`: every eligible member approves. `qualified-majority`:
 * at least ceil(eligible × numerator / denominator) approve; more than half, at most all.
 */
export const VoteRule = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("unanimity") }),
    z
      .strictObject({
        kind: z.literal("qualified-majority"),
        numerator: z.int().min(1).max(100),
        denominator: z.int().min(1).max(100),
      })
      .refine((r) => r.numerator <= r.denominator && 2 * r.numerator > r.denominator, {
        error: "a qualified majority is more than half and at most all (numerator/denominator in (1/2, 1])",
        path: ["numerator"],
      }),
  ])
  .meta({
    title: "VoteRule",
    description:
      "unanimity: every eligible member approves; qualified-majority: at least ceil(eligible × numerator / denominator) approve (the fraction is above 1/2 and at most 1).",
  });
export type VoteRule = z.infer<typeof VoteRule>;

/** What a vote is on: the event that opened the matter names its kind. */
export const MatterKind = z
  .enum(["application", "operating-model", "motion"])
  .meta({ title: "MatterKind", description: "application: a membership-applied; operating-model: an operating-model-drafted; motion: a motion-filed." });
export type MatterKind = z.infer<typeof MatterKind>;

export const VoteChoice = z.enum(["approve", "reject"]);
export type VoteChoice = z.infer<typeof VoteChoice>;

/** Ids of the vote-cast events a decision rests on. */
export const VoteIds = z
  .array(z.uuid({ version: "v4" }))
  .min(1)
  .max(500)
  .refine((ids) => new Set(ids).size === ids.length, "vote ids must not repeat")
  .meta({ uniqueItems: true, description: "Ids of the vote-cast events the decision rests on; each once." });

export { MemberCode };
