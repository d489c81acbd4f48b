import { hkdfSync } from "node:crypto";
import { headers } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { decodeOriginalHeaders, encodeOriginalHeaders, ORIGINAL_HEADERS_BUDGET, quarantineCopyId } from "../../services/bus/consume/quarantine.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { parseQuarantineSubject, quarantineFilter, quarantineSubject, quarantineWriterSubjects } from "../../services/bus/wire/subjects.js";

const key = (secret: string, writer: string) => Buffer.from(hkdfSync("sha256", secret, "alliance-quarantine-id", writer, 32));

describe("quarantine - subjects, ids and original headers", () => {
  it("subjects - one layout, alliance.quarantine.<writer>.<reason>, parsed back to who and why", () => {
    expect(quarantineSubject("fr", Reason.BadSignature)).toBe("alliance.quarantine.fr.bad-signature");
    // Every reason by name, no wildcard: the per-subject cap bounds a writer's copies (docs/security.md, "Quotas").
    expect(quarantineWriterSubjects("sec")).toContain("alliance.quarantine.sec.bad-signature");
    expect(quarantineWriterSubjects("sec").every((s) => /^alliance\.quarantine\.sec\.[a-z-]+$/.test(s))).toBe(true);
    expect(quarantineFilter({ reason: Reason.Unsigned })).toBe("alliance.quarantine.*.unsigned");
    expect(quarantineFilter({ writer: "es" })).toBe("alliance.quarantine.es.*");
    expect(parseQuarantineSubject("alliance.quarantine.fr.bad-signature")).toEqual({ writer: "fr", reason: "bad-signature" });
    expect(parseQuarantineSubject("alliance.quarantine.bad-signature")).toBeUndefined();
    expect(parseQuarantineSubject("alliance.crime.fr.bulletin")).toBeUndefined();
  });

  it("copy id - the same for a retry by the same writer, different for another position, reason or key, and not derivable from the position", () => {
    const fr = key("fr seed", "fr");
    const id = quarantineCopyId(fr, "fr", "ALLIANCE_CRIME", 42, Reason.BadSignature);
    expect(quarantineCopyId(key("fr seed", "fr"), "fr", "ALLIANCE_CRIME", 42, Reason.BadSignature)).toBe(id);
    expect(quarantineCopyId(fr, "fr", "ALLIANCE_CRIME", 43, Reason.BadSignature)).not.toBe(id);
    expect(quarantineCopyId(fr, "fr", "ALLIANCE_CRIME", 42, Reason.Unsigned)).not.toBe(id);
    expect(quarantineCopyId(key("another secret", "fr"), "fr", "ALLIANCE_CRIME", 42, Reason.BadSignature)).not.toBe(id);
    expect(id).toMatch(/^fr:[A-Za-z0-9_-]{32}$/);
    expect(id).not.toContain("42");
  });

  it("original headers - every name and value, in order, survive the encoding; anything else decodes to nothing", () => {
    const h = headers();
    h.set("Nats-Expected-Last-Sequence", "7");
    h.append("X-Twice", "one");
    h.append("X-Twice", "two");
    h.set("Alliance-Signature", "abc..def");
    const decoded = decodeOriginalHeaders(encodeOriginalHeaders(h).encoded);
    expect(decoded).toEqual([["Nats-Expected-Last-Sequence", ["7"]], ["X-Twice", ["one", "two"]], ["Alliance-Signature", ["abc..def"]]]);
    expect(encodeOriginalHeaders(h)).toMatchObject({ kept: 3, total: 3 });
    expect(decodeOriginalHeaders(undefined)).toEqual([]);
    expect(decodeOriginalHeaders("%%%")).toEqual([]);
    expect(decodeOriginalHeaders(Buffer.from(JSON.stringify({ a: 1 })).toString("base64url"))).toEqual([]);
    expect(decodeOriginalHeaders(Buffer.from(JSON.stringify([["ok", ["v"]], ["bad", [1]], 3])).toString("base64url"))).toEqual([["ok", ["v"]]]);
  });

  it("original headers - a hostile header that JSON would blow up past the bound is left out and counted, so the copy stays storable", () => {
    const h = headers();
    h.set("X-First", "kept");
    // Control characters take six bytes each in JSON: 20 KiB of them would be 120 KiB.
    h.set("X-Huge", "\u0001".repeat(20 * 1024));
    h.set("Alliance-Signature", "after the huge one, and kept");
    const { encoded, kept, total } = encodeOriginalHeaders(h);
    expect({ kept, total }).toEqual({ kept: 2, total: 3 });
    expect(encoded.length).toBeLessThanOrEqual(Math.ceil((ORIGINAL_HEADERS_BUDGET * 4) / 3));
    expect(decodeOriginalHeaders(encoded)).toEqual([["X-First", ["kept"]], ["Alliance-Signature", ["after the huge one, and kept"]]]);
  });
});
