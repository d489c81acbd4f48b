import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { asPermissionViolation } from "../bus/core/permission-error.js";

export interface PermissionViolation {
  readonly operation: "publish" | "subscription";
  readonly subject: string;
}

const PATTERN = /Permissions Violation for (Publish|Subscription) to "([^"]+)"/i;

/**
 * The broker's refusal inside an error, if that is what it is: nats.js reports it as a
 * PermissionViolationError, sometimes wrapped (a JetStream request fails with it as its cause).
 */
export function permissionViolation(err: unknown): PermissionViolation | undefined {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const violation = asPermissionViolation(e);
    if (violation) return violation;
    const match = e instanceof Error ? PATTERN.exec(e.message) : null;
    if (match) return { operation: match[1]!.toLowerCase() === "publish" ? "publish" : "subscription", subject: match[2]! };
  }
  return undefined;
}

/** The error the CLI and services report for a refused operation: what, and where to read why. */
export function permissionDenied(err: unknown, identity?: string): AllianceError | undefined {
  const violation = permissionViolation(err);
  if (!violation) return undefined;
  const who = identity ? `identity ${identity}` : "this identity";
  const what = violation.operation === "publish" ? `publishing to ${violation.subject}` : `subscribing to ${violation.subject}`;
  return new AllianceError(ErrorCode.PermissionDenied, `the broker refused ${what}: ${who} is not permitted (see docs/security.md)`, { cause: err });
}
