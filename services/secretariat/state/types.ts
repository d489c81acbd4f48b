import type { AllianceEvent } from "../../../schemas/envelope.js";
import type { MatterKind, OperatingRules, RejectionReason, VoteChoice } from "../../../schemas/governance/index.js";
import type { MembershipApplied, MotionFiled, OperatingModelDrafted } from "../../../schemas/governance/index.js";
import type { DirectoryJwk } from "../../../schemas/keys.js";
import type { ContactPoint } from "../../../schemas/data/kinds.js";
import type { Lang, PriorityChannel } from "../../../schemas/protocol.js";

/**
 * The secretariat's state: plain JSON, derived only from the founding directory and the signed
 * events of the secretariat stream. It is also the shape of the materialised views: each
 * collection is a KV bucket (or a key prefix), each entry a key (see views.ts), so that a rebuild
 * from the stream and the live views compare with deep equality.
 *
 * Times are stream receive times (RFC 3339, from the broker's clock), never a signer's claim.
 */

export type Iso = string;

export type MemberStatus = "active" | "suspended" | "withdrawn";

export interface StatusChange {
  readonly status: MemberStatus;
  /** null: since the founding. */
  readonly since: Iso | null;
  /** The event that caused it; null for the founding. */
  readonly event: string | null;
}

export interface Admission {
  readonly application: string;
  readonly decision: string;
  readonly votes: readonly string[];
  readonly at: Iso;
}

export interface MemberView {
  readonly code: string;
  readonly founding: boolean;
  readonly country?: { readonly en: string; readonly native: string };
  readonly ministry?: string;
  readonly lang?: Lang;
  readonly contact?: ContactPoint;
  readonly status: MemberStatus;
  /** Oldest first; the status at a time is the last change at or before it. */
  readonly history: readonly StatusChange[];
  readonly admissions: readonly Admission[];
}

export interface KeyEntry {
  readonly kid: string;
  /** A signing key, or (v1.1 §1b.1, `use: "enc"`) an encryption key: they share the ring and its events. */
  readonly jwk: DirectoryJwk;
  /** RFC 7638 thumbprint (SHA-256, base64url): what members compare out of band. */
  readonly thumbprint: string;
  /** null: a founding key, valid since the beginning. */
  readonly validFrom: Iso | null;
  readonly addedBy: string | null;
  /** Rotated out: refused for messages received at or after this time. */
  readonly supersededAt?: Iso;
  readonly supersededBy?: string;
  /** Revoked: refused for messages received at or after this time. */
  readonly revokedAt?: Iso;
  readonly revokedBy?: string;
}

/** One origin's keys (a member's, or the secretariat's under "sec"). */
export interface KeyRing {
  readonly origin: string;
  readonly keys: readonly KeyEntry[];
}

export interface Vote {
  readonly event: string;
  readonly voter: string;
  readonly vote: VoteChoice;
  readonly at: Iso;
  readonly comment?: string;
}

export interface MatterDecision {
  readonly event: string;
  readonly outcome: "admitted" | "refused" | "adopted" | "carried";
  readonly at: Iso;
}

interface MatterBase {
  readonly id: string;
  readonly filedAt: Iso;
  /** By voter code. */
  readonly votes: Readonly<Record<string, Vote>>;
  readonly decision: MatterDecision | null;
}
export interface ApplicationMatter extends MatterBase { readonly kind: "application"; readonly application: MembershipApplied }
export interface DraftMatter extends MatterBase { readonly kind: "operating-model"; readonly draft: OperatingModelDrafted }
export interface MotionMatter extends MatterBase { readonly kind: "motion"; readonly motion: MotionFiled }
export type Matter = ApplicationMatter | DraftMatter | MotionMatter;
export type { MatterKind };

export interface AdoptedModel {
  readonly version: number;
  readonly draft: string;
  readonly event: string;
  readonly adoptedAt: Iso;
  readonly votes: readonly string[];
  readonly rules: OperatingRules;
}

export interface ModelView {
  /** null until a model is adopted: the founding rules apply (rules.ts). */
  readonly adopted: AdoptedModel | null;
}

export interface Participation {
  readonly since: Iso;
  readonly event: string;
}

export interface GroupView {
  readonly id: string;
  readonly area: PriorityChannel;
  readonly name: string;
  readonly mandate: string;
  readonly lead: string;
  readonly formedAt: Iso;
  readonly members: Readonly<Record<string, Participation>>;
}

export interface Registration extends Participation {
  readonly contribution?: string;
  readonly contactPoint?: ContactPoint;
}

export interface ProjectView {
  readonly id: string;
  readonly title: string;
  readonly area: PriorityChannel;
  readonly description: string;
  readonly deadline: Iso;
  readonly workingGroup?: string;
  readonly proposedAt: Iso;
  readonly status: "open" | "closed";
  readonly closed?: { readonly event: string; readonly at: Iso; readonly reason?: string };
  readonly registrations: Readonly<Record<string, Registration>>;
}

export interface DeclarationSignature {
  readonly lang: Lang;
  readonly sha256: string;
  readonly signatory: { readonly name: string; readonly title: string };
  readonly at: Iso;
  readonly event: string;
  readonly kid: string;
  /** The message's Alliance-Signature: the detached JWS over the signed body. */
  readonly jws: string;
  readonly seq: number;
}

export interface DeclarationView {
  readonly id: string;
  readonly title: Readonly<Record<Lang, string>>;
  readonly texts: Readonly<Record<Lang, string>>;
  readonly sha256: Readonly<Record<Lang, string>>;
  readonly meeting: { readonly date: string; readonly place: string };
  readonly deadline: Iso;
  readonly publishedAt: Iso;
  readonly signatures: Readonly<Record<string, DeclarationSignature>>;
}

export interface Refusal {
  readonly action: string;
  readonly kind: string;
  readonly actor: string;
  readonly reason: RejectionReason;
  readonly detail: string;
  readonly at: Iso;
  readonly seq: number;
  /** The action-rejected event that answered it; null while the answer is due. */
  readonly answeredBy: string | null;
}

export interface GovState {
  /** Stream sequence of the last message folded (applied, refused, ignored or quarantined). */
  lastSeq: number;
  members: Record<string, MemberView>;
  keys: Record<string, KeyRing>;
  matters: Record<string, Matter>;
  model: ModelView;
  groups: Record<string, GroupView>;
  projects: Record<string, ProjectView>;
  declarations: Record<string, DeclarationView>;
  refusals: Record<string, Refusal>;
}

/** The keyed collections of the state; `model` is a single value. */
export type Collection = "members" | "keys" | "matters" | "groups" | "projects" | "declarations" | "refusals";

/** One entry written by a transition: the views writer turns each into one KV write. */
export type Change =
  | { readonly collection: Collection; readonly key: string; readonly value: unknown }
  | { readonly collection: "model"; readonly key: "current"; readonly value: ModelView };

/** A verified event as the transitions see it. */
export interface Applied {
  readonly event: AllianceEvent;
  /** The kind from the event's type (`vote-cast`, …). */
  readonly kind: string;
  /** The key that signed it (the verifier has checked it belongs to event.source). */
  readonly kid: string;
  readonly seq: number;
  /** Stream receive time. */
  readonly at: Iso;
  /** The Alliance-Signature header. */
  readonly jws: string;
}

export type Outcome =
  | { readonly kind: "applied"; readonly note: string }
  | { readonly kind: "refused"; readonly reason: RejectionReason; readonly detail: string }
  /** A secretariat answer (action-rejected) that does not hold: nothing changes, nothing is answered. */
  | { readonly kind: "ignored"; readonly detail: string };

export interface Step {
  readonly outcome: Outcome;
  readonly changes: readonly Change[];
}
