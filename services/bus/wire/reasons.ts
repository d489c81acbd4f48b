/**
 * Why a message was rejected: the stable reason codes of docs/protocol.md §5, in the order the
 * checks run. The quarantine subject is `alliance.quarantine.<writer>.<reason>` (subjects.ts).
 */
export const Reason = {
  Oversize: "oversize",
  Unsigned: "unsigned",
  BadSignatureHeader: "bad-signature-header",
  UnknownKey: "unknown-key",
  KeyRevoked: "key-revoked",
  OriginInactive: "origin-inactive",
  BadSignature: "bad-signature",
  Malformed: "malformed",
  Schema: "schema",
  KeyMismatch: "key-mismatch",
  SubjectMismatch: "subject-mismatch",
  IdMismatch: "id-mismatch",
  Stale: "stale",
  Expired: "expired",
  Duplicate: "duplicate",
  /** Subscriber-side: the handler kept failing until the consumer's max deliveries. */
  MaxDeliveries: "max-deliveries",
  /** v1.1 (§1b.2): a sealed event listed this member but cannot be opened with its keys, or its `aad` differs. */
  Undecryptable: "undecryptable",
  /** v1.1 (§1b.3, §1b.4): handling policy broken (plaintext RED, onward sharing without consent, a retract by a non-originator). */
  Policy: "policy",
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

export const ALL_REASONS: readonly Reason[] = Object.values(Reason);

export function isReason(value: string): value is Reason {
  return (ALL_REASONS as readonly string[]).includes(value);
}
