import type { EncPublicJwk } from "../../../schemas/keys.js";
import { sealedAad } from "../../../schemas/sealed.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import type { EncryptionDirectory } from "../keys/encryption.js";
import { sealJwe } from "../wire/jwe.js";
import type { Sealer } from "../wire/sign.js";

/** Where `publish({ group })` finds a working group's active members (the live directory does). */
export interface GroupDirectory {
  groupMembers(group: string): readonly string[] | undefined;
}

/** What a publisher needs to seal (v1.1 §1b.2). */
export interface SealingDeps {
  readonly directory: EncryptionDirectory;
  readonly groups?: GroupDirectory;
  readonly now?: () => Date;
}

/** A working group's active members now: the codes the envelope will carry. */
export function resolveGroup(groups: GroupDirectory | undefined, group: string): string[] {
  const members = groups?.groupMembers(group);
  if (!members) throw new AllianceError(ErrorCode.GroupUnknown, `no working group ${group}${groups ? "" : " (this publisher has no group directory)"}`);
  if (members.length === 0) throw new AllianceError(ErrorCode.GroupUnknown, `working group ${group} has no active member`);
  return [...members];
}

/**
 * Each recipient's current encryption key, at publish time. A suspended, withdrawn or unknown
 * member is refused with a stable code, never silently dropped: the sender chose the list.
 */
export function recipientKeys(directory: EncryptionDirectory, recipients: readonly string[], at: Date): EncPublicJwk[] {
  return recipients.map((member) => {
    const found = directory.encryptionKeyOf(member, at);
    if (found.status === "inactive") throw new AllianceError(ErrorCode.RecipientInactive, `${member} is not an active member: nothing is sealed to it`);
    if (found.status === "unknown") throw new AllianceError(ErrorCode.RecipientNoKey, `${member} has no encryption key in the directory`);
    return found.jwk;
  });
}

/** A Sealer over a directory: resolves the keys when the event is signed, then seals. */
export function createSealer({ directory, now = () => new Date() }: SealingDeps): Sealer {
  return (plain) => {
    const keys = recipientKeys(directory, plain.recipients ?? [], now());
    return sealJwe(Buffer.from(JSON.stringify(plain.data), "utf8"), keys, sealedAad(plain));
  };
}
