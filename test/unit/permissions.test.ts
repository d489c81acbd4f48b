import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { isAllianceError, ErrorCode } from "../../services/bus/core/errors.js";
import { generatePermissions } from "../../services/identity/permissions.js";
import { renderAccounts } from "../../services/identity/server-config.js";

const config = loadConfig();
const byName = new Map(generatePermissions(config).map((e) => [e.identity.name, e]));
const perms = (name: string) => byName.get(name)!.permissions!;

describe("permissions - generated from config", () => {
  it("permissions - every member and the secretariat, the monitor, the administrator and the system user", () => {
    expect([...byName.keys()]).toEqual([...config.members.map((m) => m.code), "sec", "monitor", "admin", "system"]);
    expect(byName.get("system")!.permissions).toBeUndefined();
  });

  it("permissions - a member publishes under its own code and to quarantine under its own code, subscribes to its own inbox only", () => {
    const fr = perms("fr");
    const publishes = fr.publish.allow.filter((s) => s.startsWith("alliance."));
    // Each kind by name, so that per-subject quotas bound what a member may store; quarantine
    // copies under its own writer prefix only.
    expect(publishes).toContain("alliance.crime.fr.bulletin");
    expect(publishes).toContain("alliance.secretariat.fr.vote-cast");
    expect(publishes.filter((s) => s.endsWith(".>"))).toEqual([]);
    expect(publishes).toContain("alliance.quarantine.fr.bad-signature");
    // Governance: only the kinds a member may perform; the secretariat's own kinds are not stored by members.
    expect(publishes).not.toContain("alliance.secretariat.fr.membership-decided");
    expect(publishes.filter((s) => !s.startsWith("alliance.quarantine.")).every((s) => /^alliance\.(crime|extremism|border|secretariat)\.fr\.[a-z-]+$/.test(s))).toBe(true);
    expect(fr.subscribe.allow).toEqual(["_INBOX_fr.>"]);
    expect(fr.subscribe.deny).toContain("alliance.>");
  });

  it("permissions - no member may create consumers, and consumer names are whole tokens, never wildcards", () => {
    for (const member of config.members) {
      const allow = perms(member.code).publish.allow;
      expect(allow.filter((s) => s.includes("CONSUMER.CREATE")), member.code).toEqual([]);
      for (const subject of allow.filter((s) => s.startsWith("$JS.API.CONSUMER.") || s.startsWith("$JS.ACK."))) {
        expect(subject).toMatch(new RegExp(`\\.${member.code}-[a-z0-9_-]+(\\.>)?$`));
      }
      expect(allow.some((s) => /\$JS\.API\.(STREAM\.(CREATE|UPDATE|DELETE|PURGE|RESTORE)|ACCOUNT|SERVER)/.test(s)), member.code).toBe(false);
      expect(perms(member.code).publish.deny).toEqual(expect.arrayContaining(["$JS.API.STREAM.DELETE.>", "$JS.API.STREAM.PURGE.>", "$JS.API.ACCOUNT.>", "$JS.API.SERVER.>", "$JS.API.STREAM.RESTORE.>"]));
    }
    // ae owns the declared desks: it may read and ack them, nothing more.
    expect(perms("ae").publish.allow).toEqual(expect.arrayContaining(["$JS.API.CONSUMER.MSG.NEXT.ALLIANCE_CRIME.ae-desk", "$JS.ACK.ALLIANCE_CRIME.ae-desk.>", "$KV.ALLIANCE_PROCESSED_ae.ae-desk.>"]));
    expect(perms("fr").publish.allow.some((s) => s.includes("ae-desk"))).toBe(false);
  });

  it("permissions - quarantine is readable by the secretariat, and by a member only when config says so", () => {
    const readsQuarantine = (name: string) => perms(name).publish.allow.some((s) => s.includes("ALLIANCE_QUARANTINE") && s.includes("CONSUMER"));
    expect(readsQuarantine("sec")).toBe(true);
    expect(readsQuarantine("es")).toBe(false);
    const allowed = parseConfig({ ...config, access: { ...config.access, quarantineReaders: ["es"] } });
    const es = generatePermissions(allowed).find((e) => e.identity.name === "es")!.permissions!;
    expect(es.publish.allow).toContain("$JS.API.CONSUMER.CREATE.ALLIANCE_QUARANTINE.es-reader-1");
    expect(es.publish.allow.some((s) => s.includes("CONSUMER.CREATE.ALLIANCE_CRIME"))).toBe(false);
  });

  it("permissions - the secretariat publishes governance events only; the monitor publishes no event at all", () => {
    expect(perms("sec").publish.allow.filter((s) => s.startsWith("alliance.")).every((s) => s.startsWith("alliance.secretariat.sec.") || s.startsWith("alliance.quarantine.sec."))).toBe(true);
    expect(perms("sec").publish.allow).toContain("alliance.secretariat.sec.membership-decided");
    expect(perms("monitor").publish.allow.filter((s) => !s.startsWith("$JS.API."))).toEqual([]);
    expect(perms("monitor").subscribe.allow).toEqual(["_INBOX_monitor.>", "$JS.EVENT.ADVISORY.>", "$JS.EVENT.METRIC.>"]);
    expect(perms("admin").publish.allow).toEqual(["$JS.API.>"]);
  });

  it("access - a declared consumer without its owner's prefix, or on a channel its owner may not read, names the field", () => {
    const bad = (access: object) => {
      try {
        parseConfig({ ...config, access });
      } catch (err) {
        expect(isAllianceError(err, ErrorCode.ConfigInvalid)).toBe(true);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad({ consumers: [{ owner: "fr", name: "es-desk", channels: ["crime"] }] })).toMatch(/access\.consumers\[0\]\.name/);
    expect(bad({ channels: { fr: ["crime"] }, consumers: [{ owner: "fr", name: "fr-desk", channels: ["border"] }] })).toMatch(/access\.consumers\[0\]\.channels/);
    expect(bad({ consumers: [{ owner: "zz", name: "zz-desk", channels: ["crime"] }] })).toMatch(/not a member/);
  });

  it("server config - accounts with public keys and permissions, a system account, no authorization block", () => {
    const users = generatePermissions(config).map((e, i) => ({ ...e, publicKey: `U${String(i).padStart(55, "A")}` }));
    const text = renderAccounts(users);
    expect(text).toMatch(/^accounts \{$/m);
    expect(text).toMatch(/^system_account: SYS$/m);
    expect(text).toContain('"$JS.API.>"');
    expect(text).not.toMatch(/authorization|no_auth_user/);
  });
});
