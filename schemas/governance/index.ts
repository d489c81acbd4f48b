import type { z } from "zod";
import { eventType, GOVERNANCE_CHANNEL } from "../protocol.js";
import { SecretariatKind } from "./common.js";
import { DeclarationPublished, DeclarationSigned } from "./declaration.js";
import { EncKeyRotated, KeyRevoked, KeyRotated } from "./keys.js";
import {
  MemberReinstated,
  MembershipApplied,
  MembershipDecided,
  MemberSuspended,
  MemberWithdrew,
  MotionFiled,
  VoteCast,
} from "./membership.js";
import { OperatingModelAdopted, OperatingModelDrafted } from "./operating-model.js";
import { ProjectClosed, ProjectProposed, ProjectRegistered, ProjectWithdrawn } from "./projects.js";
import { ActionRejected } from "./rejected.js";
import { WorkingGroupFormed, WorkingGroupJoined, WorkingGroupLeft } from "./working-groups.js";

/** The `data` schema of each secretariat kind. */
export const secretariatSchemaByKind = {
  [SecretariatKind.MembershipApplied]: MembershipApplied,
  [SecretariatKind.VoteCast]: VoteCast,
  [SecretariatKind.MembershipDecided]: MembershipDecided,
  [SecretariatKind.MotionFiled]: MotionFiled,
  [SecretariatKind.MemberSuspended]: MemberSuspended,
  [SecretariatKind.MemberReinstated]: MemberReinstated,
  [SecretariatKind.MemberWithdrew]: MemberWithdrew,
  [SecretariatKind.KeyRotated]: KeyRotated,
  [SecretariatKind.KeyRevoked]: KeyRevoked,
  [SecretariatKind.EncKeyRotated]: EncKeyRotated,
  [SecretariatKind.OperatingModelDrafted]: OperatingModelDrafted,
  [SecretariatKind.OperatingModelAdopted]: OperatingModelAdopted,
  [SecretariatKind.WorkingGroupFormed]: WorkingGroupFormed,
  [SecretariatKind.WorkingGroupJoined]: WorkingGroupJoined,
  [SecretariatKind.WorkingGroupLeft]: WorkingGroupLeft,
  [SecretariatKind.ProjectProposed]: ProjectProposed,
  [SecretariatKind.ProjectRegistered]: ProjectRegistered,
  [SecretariatKind.ProjectWithdrawn]: ProjectWithdrawn,
  [SecretariatKind.ProjectClosed]: ProjectClosed,
  [SecretariatKind.DeclarationPublished]: DeclarationPublished,
  [SecretariatKind.DeclarationSigned]: DeclarationSigned,
  [SecretariatKind.ActionRejected]: ActionRejected,
} as const satisfies Record<SecretariatKind, z.ZodType>;

/** The governance `data` schemas keyed by CloudEvents type, e.g. "alliance.secretariat.vote-cast.v1". */
export const governanceDataSchemas: Record<string, z.ZodType> = Object.fromEntries(
  Object.entries(secretariatSchemaByKind).map(([kind, schema]) => [eventType(GOVERNANCE_CHANNEL, kind), schema] as const),
);

export {
  DECLARATION_LANGUAGES,
  inFiveLanguages,
  isSecretariatKind,
  MatterKind,
  SECRETARIAT_KINDS,
  SecretariatKind,
  Sha256Hex,
  VoteChoice,
  VoteIds,
  VoteRule,
} from "./common.js";
export { DeclarationPublished, DeclarationSigned, signingDeadline } from "./declaration.js";
export { EncKeyRotated, KeyRevoked, KeyRotated } from "./keys.js";
export { MemberReinstated, MembershipApplied, MembershipDecided, MemberSuspended, MemberWithdrew, MotionFiled, VoteCast } from "./membership.js";
export { OperatingModelAdopted, OperatingModelDrafted, OperatingRules, WorkingGroupMechanism } from "./operating-model.js";
export { ProjectClosed, ProjectProposed, ProjectRegistered, ProjectWithdrawn } from "./projects.js";
export { ActionRejected, REJECTION_REASONS, RejectionReason } from "./rejected.js";
export { WorkingGroupFormed, WorkingGroupJoined, WorkingGroupLeft } from "./working-groups.js";
