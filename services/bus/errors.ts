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
  ConnectFailed: "ERR_CONNECT_FAILED",
  NatsServerMissing: "ERR_NATS_SERVER_MISSING",
  NatsServerFailed: "ERR_NATS_SERVER_FAILED",
  UsageInvalid: "ERR_USAGE",
  InputInvalid: "ERR_INPUT_INVALID",
  DemoFailed: "ERR_DEMO_FAILED",
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
