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

/** Who may perform each kind: the secretariat, a member, or either (the state decides further). */
export type GovernanceActor = "secretariat" | "member" | "either";

/**
 * The actor of every kind: what the fold enforces (services/secretariat/state/apply.ts) and what
 * the broker's permissions name (services/identity/permissions.ts), so that a member can store
 * only kinds it may perform, and the governance stream's reservation counts exactly those
 * (schemas/quotas.ts).
 */
export const SECRETARIAT_KIND_ACTOR: Readonly<Record<SecretariatKind, GovernanceActor>> = {
  "membership-applied": "secretariat",
  // Anyone signed may try; the transition answers a non-member's vote with not-a-member.
  "vote-cast": "either",
  "membership-decided": "secretariat",
  "motion-filed": "secretariat",
  "member-suspended": "secretariat",
  "member-reinstated": "secretariat",
  "member-withdrew": "member",
  "key-rotated": "either",
  "key-revoked": "either",
  "enc-key-rotated": "member",
  "operating-model-drafted": "secretariat",
  "operating-model-adopted": "secretariat",
  "working-group-formed": "secretariat",
  "working-group-joined": "member",
  "working-group-left": "member",
  "project-proposed": "secretariat",
  "project-registered": "member",
  "project-withdrawn": "member",
  "project-closed": "secretariat",
  "declaration-published": "secretariat",
  "declaration-signed": "member",
  "action-rejected": "secretariat",
};

/** The kinds a member, or the secretariat, may publish on its own governance subjects. */
export function kindsPublishableBy(who: "member" | "secretariat"): SecretariatKind[] {
  return SECRETARIAT_KINDS.filter((kind) => SECRETARIAT_KIND_ACTOR[kind] === who || SECRETARIAT_KIND_ACTOR[kind] === "either");
}

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
