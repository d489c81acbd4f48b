import { ErrorCode } from "../bus/core/errors.js";

/**
 * Exit codes (README, "With the `alliance` command"): 0 done, 1 the work failed, 2 the command
 * line or its input was wrong (a missing or bad file included), 3 `status` found a critical rule,
 * 4 `tail` rejected every message it saw.
 */
export const Exit = { Ok: 0, Failure: 1, Usage: 2, Critical: 3, AllRejected: 4 } as const;

const BAD_INPUT: ReadonlySet<string> = new Set([
  ErrorCode.UsageInvalid, ErrorCode.InputInvalid, ErrorCode.EventInvalid,
  ErrorCode.KeyUnreadable, ErrorCode.KeyInvalid, ErrorCode.KeyExists,
  ErrorCode.ConfigInvalid, ErrorCode.ConfigUnreadable, ErrorCode.DirectoryInvalid,
  ErrorCode.CredsUnreadable, ErrorCode.CredsInvalid, ErrorCode.ContextUnknown,
]);

export function exitCodeOf(code: string): number {
  if (code === ErrorCode.HealthCritical) return Exit.Critical;
  if (code === ErrorCode.AllRejected) return Exit.AllRejected;
  return BAD_INPUT.has(code) ? Exit.Usage : Exit.Failure;
}
