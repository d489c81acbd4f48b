import type { AllianceConfig } from "../../schemas/config.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";

/**
 * Refuses member codes the config does not know (`--recipients xx,fr`): a typo would otherwise
 * restrict a bulletin to nobody, or make a key for a member that does not exist. `extra` are
 * codes allowed besides the members (the secretariat's `sec`, an applicant's code).
 */
export function knownMembers(codes: readonly string[], config: Readonly<AllianceConfig>, option: string, extra: readonly string[] = []): string[] {
  const known = new Set([...config.members.map((m) => m.code), ...extra]);
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    throw new AllianceError(ErrorCode.UsageInvalid, `${option}: unknown member code${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (members: ${[...known].sort().join(", ")})`);
  }
  return [...codes];
}
