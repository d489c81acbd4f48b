/** Stable error codes; callers and tests branch on `code`, never on `message`. */
export const ErrorCode = {
  ConfigInvalid: "ERR_CONFIG_INVALID",
  ConfigUnreadable: "ERR_CONFIG_UNREADABLE",
  KeyInvalid: "ERR_KEY_INVALID",
  KeyUnreadable: "ERR_KEY_UNREADABLE",
  DirectoryInvalid: "ERR_DIRECTORY_INVALID",
  EventInvalid: "ERR_EVENT_INVALID",
  PublishDuplicate: "ERR_PUBLISH_DUPLICATE",
  PublishTimeout: "ERR_PUBLISH_TIMEOUT",
  PublishRejected: "ERR_PUBLISH_REJECTED",
  /** The broker refused a publish at a quota: stream full, the origin's cap on a subject, account storage, size. */
  PublishQuotaExceeded: "ERR_PUBLISH_QUOTA",
  ConnectFailed: "ERR_CONNECT_FAILED",
  /** The server refused the credentials, or there were none and it requires some. */
  ConnectAuth: "ERR_CONNECT_AUTH",
  /** The server's certificate did not verify against the trusted CA (or the client's was refused). */
  ConnectTlsVerify: "ERR_CONNECT_TLS_VERIFY",
  /** The server requires TLS and the client was not configured for it (no CA to verify with). */
  ConnectTlsRequired: "ERR_CONNECT_TLS_REQUIRED",
  /** The broker refused an operation this identity is not permitted (docs/security.md). */
  PermissionDenied: "ERR_PERMISSION_DENIED",
  CredsInvalid: "ERR_CREDS_INVALID",
  CredsUnreadable: "ERR_CREDS_UNREADABLE",
  CertsFailed: "ERR_CERTS_FAILED",
  /** A member bundle (`<code>.bundle.json`) is unreadable, malformed or inconsistent. */
  BundleInvalid: "ERR_BUNDLE_INVALID",
  ReloadFailed: "ERR_RELOAD_FAILED",
  /** The server's JetStream store cannot reserve what the streams' quotas need (its max_file_store, or the account's limit). */
  StoreTooSmall: "ERR_STORE_TOO_SMALL",
  /** An admission would take the alliance beyond quotas.maxMembers, which the streams are sized for. */
  MemberQuotaExceeded: "ERR_MEMBER_QUOTA",
  /** Every reader-consumer name this identity may use on a stream is taken (access.readerSlots). */
  ReadersBusy: "ERR_READERS_BUSY",
  NatsServerMissing: "ERR_NATS_SERVER_MISSING",
  NatsServerFailed: "ERR_NATS_SERVER_FAILED",
  UsageInvalid: "ERR_USAGE",
  InputInvalid: "ERR_INPUT_INVALID",
  DemoFailed: "ERR_DEMO_FAILED",
  /** A secretariat view changed under its writer: another secretariat instance is writing (services/secretariat/views.ts). */
  ViewsConflict: "ERR_VIEWS_CONFLICT",
  /** `alliance secretariat audit`: the views differ from a replay of the stream. */
  AuditMismatch: "ERR_AUDIT_MISMATCH",
  /** `alliance status` found a critical health rule: scripts and cron branch on its exit code 3. */
  HealthCritical: "ERR_HEALTH_CRITICAL",
  /** A live key directory has not folded its governance stream up to a message's receipt: verification waits (transient). */
  DirectoryBehind: "ERR_DIRECTORY_BEHIND",
  /** v1.1 §1b.3–§1b.4: the event breaks the handling policy (a plaintext RED or AMBER+STRICT, H3 without its note, a receipt for an event never received, a retract of someone else's event). */
  PolicyRefused: "ERR_POLICY",
  /** v1.1 §1b.2: `recipients` means sealed, and this publisher has no encryption directory to seal with. */
  SealUnavailable: "ERR_SEAL_UNAVAILABLE",
  /** v1.1 §1b.2: a listed recipient is suspended, withdrawn or not a member: never sealed to. */
  RecipientInactive: "ERR_RECIPIENT_INACTIVE",
  /** v1.1 §1b.2: a listed recipient has no encryption key in the directory. */
  RecipientNoKey: "ERR_RECIPIENT_NO_KEY",
  /** `publish({ group })`: no such working group, or no active member in it. */
  GroupUnknown: "ERR_GROUP_UNKNOWN",
  /**
   * Critical: a subscriber holds a message whose quarantine copy or processed record cannot be
   * stored; it keeps it and retries (docs/operations.md, "A subscriber holds a message").
   */
  MessageHeld: "ERR_MESSAGE_HELD",
  /** A held message was let go because its subscriber is stopping; it will be redelivered. */
  SubscriberStopping: "ERR_SUBSCRIBER_STOPPING",
  /** The stream a command needs does not exist: the administrator has not run `alliance streams`. */
  NoStream: "ERR_NO_STREAM",
  /** The server did not answer as a NATS server within the connect timeout (wrong port, a firewall, a stalled server). */
  ConnectTimeout: "ERR_CONNECT_TIMEOUT",
  /** A private key or key folder exists and `--force` was not given: keys are never overwritten silently. */
  KeyExists: "ERR_KEY_EXISTS",
  /** `--context NAME` or `connect({ context })` names a profile that was never saved (`alliance context add`). */
  ContextUnknown: "ERR_CONTEXT_UNKNOWN",
  /** A stream snapshot or restore failed (services/bus/admin/backup.ts). */
  BackupFailed: "ERR_BACKUP_FAILED",
  /** `alliance tail` rejected every message it saw (exit code 4). */
  AllRejected: "ERR_ALL_REJECTED",
  /** A handler found the message breaks a rule it alone can judge; the subscriber quarantines it (consume/rejection.ts). */
  HandlerRejected: "ERR_HANDLER_REJECTED",
  /** The quarantine refused a subscriber's copy (its writer's quota is spent): the message stays in its stream and comes back later. */
  QuarantineFull: "ERR_QUARANTINE_FULL",
  /** v1.1 §1b.3: passing on a RED, AMBER+STRICT or H2 original without the originator's consent naming every new recipient. */
  ConsentMissing: "ERR_CONSENT_MISSING",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one base error of the project: a stable `code`, the class name, and the cause passed on. */
export class AllianceError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A failure worth retrying with the same message id (timeouts, no responders, leader elections). */
export class TransientError extends AllianceError {}

export function isAllianceError(err: unknown, code?: ErrorCode): err is AllianceError {
  return err instanceof AllianceError && (code === undefined || err.code === code);
}
