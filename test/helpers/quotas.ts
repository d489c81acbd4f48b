import { Quotas, quotaReservations } from "../../schemas/quotas.js";
import type { AllianceConfig } from "../../schemas/config.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";

const MiB = 1024 * 1024;
const roundUp = (n: number) => Math.ceil(n / MiB) * MiB;

/** Quotas small enough that a member reaches every cap in a moment. */
const SMALL: Partial<Quotas> = {
  headerAllowanceBytes: 4096, governanceMaxBodyBytes: 8192,
  channelPerSubjectMaxMsgs: 3, governancePerSubjectMaxMsgs: 3, quarantinePerSubjectMaxMsgs: 3,
  processedBucketMaxBytes: MiB, kvHeadroomBytes: 16 * MiB,
};

/**
 * The default config with small quotas (`overrides` on top) and a 32 KiB body bound, each stream
 * exactly as large as the fair-share rule asks (schemas/quotas.ts `quotaReservations`, rounded up
 * to a MiB) and the account the sum: what config validation accepts, with no room to spare.
 */
export function fairShareTestConfig(overrides: Partial<Quotas> = {}): AllianceConfig {
  const base = loadConfig();
  const bounds = { ...base.bounds, maxBodyBytes: 32 * 1024 };
  const small = { maxMembers: base.members.length, ...SMALL, ...overrides };
  const streams = Object.fromEntries(quotaReservations(bounds.maxBodyBytes, Quotas.parse(small)).streams.map((r) => [r.field, roundUp(r.bytes)]));
  const account = quotaReservations(bounds.maxBodyBytes, Quotas.parse({ ...small, ...streams })).account.bytes;
  return parseConfig({ ...base, bounds, quotas: { ...small, ...streams, accountMaxFileBytes: roundUp(account) } });
}
