import { z } from "zod";
import { EventId } from "../data/common.js";
import { Kid } from "../protocol.js";
import { EncPublicJwk, PublicJwk } from "../keys.js";
import { VoteIds } from "./common.js";

/** `key-rotated` (by a member or the secretariat, signed with its current key). */
export const KeyRotated = z
  .strictObject({
    next: PublicJwk.describe("The next key; its kid is <signer's origin>:<new key-id>, never used before."),
  })
  .meta({
    title: "KeyRotated",
    description: "Announces the signer's next key. The signing key stays valid for messages received before this event, the next key for those received from it on.",
  });
export type KeyRotated = z.infer<typeof KeyRotated>;

/** `key-revoked`: by the key's owner (compromise), or by the secretariat after a carried motion. */
export const KeyRevoked = z
  .strictObject({
    kid: Kid,
    reason: z.enum(["compromise", "retired"]),
    next: PublicJwk.optional().describe("A replacement key for the same origin, valid from this event on."),
    motion: EventId.optional().describe("Secretariat only: the carried revoke-key motion."),
    votes: VoteIds.optional().describe("Secretariat only: the approving votes on that motion."),
  })
  .refine((d) => (d.motion === undefined) === (d.votes === undefined), { error: "motion and votes go together", path: ["votes"] })
  .meta({
    title: "KeyRevoked",
    description: "Revokes a key: messages received after this event with it are refused (key-revoked), older ones still verify. Rule: motion and votes are both present (secretariat) or both absent (the owner).",
  });
export type KeyRevoked = z.infer<typeof KeyRevoked>;

/** `enc-key-rotated` (v1.1 §1b.1, by a member, signed with its current signing key): its next encryption key. */
export const EncKeyRotated = z
  .strictObject({
    next: EncPublicJwk.describe("The next X25519 encryption key; its kid is <signer's origin>:enc-<new key-id>, never used before."),
  })
  .meta({
    title: "EncKeyRotated",
    description: "Announces the signer's next encryption key: events sealed from this event on use it; the member keeps its older private keys while messages sealed to them remain.",
  });
export type EncKeyRotated = z.infer<typeof EncKeyRotated>;
