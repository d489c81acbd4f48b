import { z } from "zod";
import { ContactPoint } from "../data/kinds.js";
import { EventId, line, text } from "../data/common.js";
import { Kid, Lang, MemberCode } from "../protocol.js";
import { EncPublicJwk, PublicJwk } from "../keys.js";
import { MatterKind, VoteChoice, VoteIds, VoteRule } from "./common.js";

/** `membership-applied` (by the secretariat): it files an applicant's request to join. */
export const MembershipApplied = z
  .strictObject({
    applicant: z.strictObject({
      code: MemberCode.describe("The applicant's member code: lowercase ISO 3166-1 alpha-2."),
      country: z.strictObject({ en: line(100), native: line(100) }),
      ministry: line(200),
      lang: Lang.describe("The language the applicant publishes in."),
      contact: ContactPoint,
    }),
    key: PublicJwk.describe("The applicant's public signing key; its kid is <applicant code>:<key-id>. Members check its thumbprint with the applicant out of band before voting."),
    encKey: EncPublicJwk.optional().describe("v1.1 §1b.1: the applicant's public X25519 encryption key, kid <applicant code>:enc-<key-id>; sealed events reach it once admitted."),
    letter: text(5000).optional().describe("The applicant's letter of request."),
  })
  .refine((d) => d.key.kid.startsWith(`${d.applicant.code}:`), { error: "key.kid must be <applicant code>:<key-id>", path: ["key", "kid"] })
  .refine((d) => !d.encKey || d.encKey.kid.startsWith(`${d.applicant.code}:enc-`), { error: "encKey.kid must be <applicant code>:enc-<key-id>", path: ["encKey", "kid"] })
  .meta({ title: "MembershipApplied", description: "The secretariat files a ministry's request to join, with its public key. Rule: key.kid starts with applicant.code and a colon." });
export type MembershipApplied = z.infer<typeof MembershipApplied>;

/** `vote-cast` (by a member): approve or reject an application, an operating-model draft or a motion. */
export const VoteCast = z
  .strictObject({
    on: MatterKind,
    matter: EventId.describe("Id of the event that opened the matter (membership-applied, operating-model-drafted or motion-filed)."),
    vote: VoteChoice,
    comment: text(2000).optional(),
  })
  .meta({ title: "VoteCast", description: "A member's vote on a matter; one vote per member and matter, signed by that member." });
export type VoteCast = z.infer<typeof VoteCast>;

/** `membership-decided` (by the secretariat): the outcome, with the votes it rests on. */
export const MembershipDecided = z
  .strictObject({
    application: EventId,
    outcome: z.enum(["admitted", "refused"]),
    votes: VoteIds,
    rule: VoteRule.describe("The admission rule applied; must be the rule in force."),
  })
  .meta({ title: "MembershipDecided", description: "Admitted: the named approving votes satisfy the admission rule. Refused: the named rejecting votes make approval impossible." });
export type MembershipDecided = z.infer<typeof MembershipDecided>;

/** `motion-filed` (by the secretariat): a sanction or a key revocation put to the vote. */
export const MotionFiled = z
  .strictObject({
    action: z.enum(["suspend", "reinstate", "revoke-key"]),
    member: MemberCode,
    kid: Kid.optional().describe("revoke-key: the key to revoke; it belongs to member."),
    next: PublicJwk.optional().describe("revoke-key: a replacement key for member, active once the motion is carried."),
    grounds: text(5000),
  })
  .refine((d) => (d.action === "revoke-key") === (d.kid !== undefined), { error: "kid is required for revoke-key and only there", path: ["kid"] })
  .refine((d) => d.kid === undefined || d.kid.startsWith(`${d.member}:`), { error: "kid must belong to member", path: ["kid"] })
  .refine((d) => d.next === undefined || (d.action === "revoke-key" && d.next.kid.startsWith(`${d.member}:`)), { error: "next is a key of member, on revoke-key only", path: ["next"] })
  .meta({ title: "MotionFiled", description: "A motion to suspend or reinstate a member, or to revoke one of its keys (with an optional replacement). Rules: kid exactly on revoke-key, belonging to member; next only on revoke-key, belonging to member." });
export type MotionFiled = z.infer<typeof MotionFiled>;

/** `member-suspended` / `member-reinstated` (by the secretariat): a carried motion enacted. */
export const MemberSanction = z.strictObject({
  member: MemberCode,
  motion: EventId,
  votes: VoteIds,
});
export const MemberSuspended = MemberSanction.meta({ title: "MemberSuspended", description: "A carried suspend motion: the member's messages received from now on are refused (origin-inactive)." });
export type MemberSuspended = z.infer<typeof MemberSuspended>;
export const MemberReinstated = MemberSanction.meta({ title: "MemberReinstated", description: "A carried reinstate motion: the member is active again." });
export type MemberReinstated = z.infer<typeof MemberReinstated>;

/** `member-withdrew` (by the member itself). */
export const MemberWithdrew = z
  .strictObject({ statement: text(5000).optional() })
  .meta({ title: "MemberWithdrew", description: "A member leaves the alliance; signed by that member. Its messages received from now on are refused." });
export type MemberWithdrew = z.infer<typeof MemberWithdrew>;
