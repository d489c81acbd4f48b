import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { desiredStreams } from "../../services/bus/admin/streams.js";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { ErrorCode, isAllianceError } from "../../services/bus/core/errors.js";
import { ALL_REASONS } from "../../services/bus/wire/reasons.js";
import { admitMemberCredentials } from "../../services/identity/admit.js";
import { QUARANTINE_REASON_COUNT, quotaReservations, serverMaxFileStoreBytes } from "../../schemas/quotas.js";

const ROOT = join(import.meta.dirname, "../..");
const base = loadConfig();
const raw = JSON.parse(readFileSync(join(ROOT, "config/alliance.json"), "utf8")) as Record<string, unknown>;

/** The message of the error parseConfig throws for `quotas`, or undefined if it parses. */
function refusal(quotas: Record<string, unknown>, extra: Record<string, unknown> = {}): string | undefined {
  try {
    parseConfig({ ...raw, ...extra, quotas }, "/etc/alliance/test.json");
    return undefined;
  } catch (err) {
    expect(isAllianceError(err, ErrorCode.ConfigInvalid)).toBe(true);
    return (err as Error).message;
  }
}

describe("quotas - the fair share is a guarantee by construction (docs/security.md, Quotas)", () => {
  it("quotas - the defaults hold every member's full share in every stream, and the account holds them all, for one and three replicas", () => {
    for (const file of ["config/alliance.json", "config/alliance.production.json"]) {
      const config = loadConfig(join(ROOT, file));
      const { streams, account } = quotaReservations(config.bounds.maxBodyBytes, config.quotas, config.bounds.replicas);
      for (const need of [...streams, account]) expect(config.quotas[need.field], `${file} ${need.field}`).toBeGreaterThanOrEqual(need.bytes);
    }
  });

  it("quotas - a stream too small for maxMembers × kinds × cap × max message size is refused at load, naming the field and the file", () => {
    // The defaults before this rule: a member could fill a priority stream with ~2,900 messages.
    const message = refusal({ channelPerSubjectMaxMsgs: 100_000, channelStreamMaxBytes: 768 * 1024 * 1024 });
    expect(message).toContain("/etc/alliance/test.json");
    expect(message).toContain("quotas.channelStreamMaxBytes");
    expect(message).toContain("maxMembers 12 × 8 kinds × channelPerSubjectMaxMsgs 100000 × (278528 + 128) bytes");
    expect(refusal({ governancePerSubjectMaxMsgs: 10_000 })).toContain("quotas.governanceStreamMaxBytes");
    expect(refusal({ quarantinePerSubjectMaxMsgs: 10_000 })).toContain("quotas.quarantineStreamMaxBytes");
    expect(refusal({ accountMaxFileBytes: 64 * 1024 ** 3 })).toContain("quotas.accountMaxFileBytes");
    expect(refusal({ maxMembers: 6 })).toContain("quotas.maxMembers");
    expect(refusal({ governanceMaxBodyBytes: 512 * 1024 })).toContain("quotas.governanceMaxBodyBytes");
    expect(refusal({})).toBeUndefined();
  });

  it("quotas - the quarantine's reservation counts every reason a writer may use", () => {
    expect(QUARANTINE_REASON_COUNT).toBe(ALL_REASONS.length);
  });

  it("quotas - the governance stream takes smaller messages than the priority channels", () => {
    const streams = new Map(desiredStreams(base.bounds, base.quotas).map((s) => [s.name, s]));
    expect(streams.get("ALLIANCE_SECRETARIAT")!.max_msg_size).toBe(base.quotas.governanceMaxBodyBytes + base.quotas.headerAllowanceBytes);
    expect(streams.get("ALLIANCE_CRIME")!.max_msg_size).toBe(base.bounds.maxBodyBytes + base.quotas.headerAllowanceBytes);
    expect(streams.get("ALLIANCE_QUARANTINE")!.max_msg_size).toBeGreaterThan(streams.get("ALLIANCE_CRIME")!.max_msg_size!);
  });

  it("quotas - each cluster node's max_file_store holds its replica of the account's limit", () => {
    const production = loadConfig(join(ROOT, "config/alliance.production.json"));
    const confs = readdirSync(join(ROOT, "config/nats")).filter((f) => /^cluster-n\d\.conf$/.test(f));
    expect(confs.length).toBe(3);
    for (const conf of confs) {
      const value = /^\s*max_file_store\s*:\s*(\d+)\b/m.exec(readFileSync(join(ROOT, "config/nats", conf), "utf8"))?.[1];
      expect(Number(value), conf).toBeGreaterThanOrEqual(serverMaxFileStoreBytes(production.quotas, production.bounds.replicas));
    }
  });

  it("quotas - the development server's max_file_store (config/nats/dev.conf, README) holds the default config's reservation", () => {
    const development = loadConfig(join(ROOT, "config/alliance.json"));
    const value = /^\s*max_file_store\s*:\s*(\d+)\b/m.exec(readFileSync(join(ROOT, "config/nats/dev.conf"), "utf8"))?.[1];
    expect(Number(value)).toBeGreaterThanOrEqual(serverMaxFileStoreBytes(development.quotas, development.bounds.replicas));
  });

  it("quotas - an admission beyond maxMembers is refused before any credential is made", async () => {
    const credsDir = mkdtempSync(join(tmpdir(), "alliance-maxmembers-"));
    try {
      const config = parseConfig({ ...raw, quotas: { maxMembers: 7 } });
      const member = { code: "jo", country: { en: "Jordan", native: "الأردن" }, ministry: "Ministry of Interior", lang: "ar" as const };
      await expect(admitMemberCredentials({ config, member, credsDir })).rejects.toMatchObject({ code: ErrorCode.MemberQuotaExceeded });
      expect(readdirSync(credsDir)).toEqual([]);
    } finally {
      rmSync(credsDir, { recursive: true, force: true });
    }
  });
});
