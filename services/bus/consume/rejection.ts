import { AllianceError, ErrorCode } from "../core/errors.js";
import type { Reason } from "../wire/reasons.js";

/**
 * Thrown by a handler (or a handler wrapper, `(h) => h`) that finds a verified message breaks a
 * rule only it can judge — v1.1 §1b.3–§1b.4 policy that needs what this member has seen before.
 * The subscriber quarantines the message with `reason` and `detail` and terms it, as for a failed
 * check; any other error still means "try again later".
 */
export class HandlerRejection extends AllianceError {
  readonly reason: Reason;
  readonly detail: string;

  constructor(reason: Reason, detail: string) {
    super(ErrorCode.HandlerRejected, `${reason}: ${detail}`);
    this.reason = reason;
    this.detail = detail;
  }
}
