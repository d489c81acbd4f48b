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
  /** A private key or seed exists where a command would write one; `--force` replaces it. */
  KeyExists: "ERR_KEY_EXISTS",
  ReloadFailed: "ERR_RELOAD_FAILED",
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
