import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { createVerifier, type Verdict } from "../../services/bus/wire/verify.js";
import { keyStatusAt } from "../../services/secretariat/state/lookup.js";
import { JSON_SCHEMA_DIR } from "../../schemas/generate.js";
import { craft, incoming, makeMembers, sampleCrimeBulletin, sampleEnvelope } from "../helpers/fixtures.js";
import { fakeJwk, GovWorld } from "../helpers/secretariat.js";

/**
 * What docs/protocol.md now states as the rule where it used to be silent (issue 10, finding 7):
 * each statement is the reference's behaviour, held here so that the page and the code agree.
 */

const { bounds } = loadConfig();
const members = await makeMembers();
const fr = members.signers.fr!;
const receivedAt = new Date("2026-11-29T06:00:00.000Z");
const verify = createVerifier({ bounds, directory: members.directory, now: () => receivedAt });
const reasonOf = (v: Verdict) => (v.ok ? "accepted" : v.reason);
const check = async (overrides: Record<string, unknown>, at = receivedAt) => reasonOf(await verify(incoming(await craft(fr, { envelope: sampleEnvelope("fr", { time: receivedAt.toISOString(), ...overrides }) }), at)));
const withTitle = (title: string) => ({ data: { ...(sampleCrimeBulletin() as Record<string, unknown>), title } });

describe("protocol rules - time (§2.1)", () => {
  const skewMs = bounds.skewSeconds * 1000;

  it("milliseconds - fractional seconds beyond the third digit are truncated, not rounded", async () => {
    // The boundary: exactly skewSeconds passes. .0009 truncates to .000 (passes); rounding would make it .001 (stale).
    const at = new Date(receivedAt.getTime() + skewMs);
    expect(await check({ time: "2026-11-29T06:00:00.0009Z" }, at)).toBe("accepted");
    expect(await check({ time: "2026-11-29T05:59:59.9999Z" }, at)).toBe(Reason.Stale);
    expect(await check({ time: "2026-11-29T07:00:00.000+01:00" }, at)).toBe("accepted");
  });

  it("expires - no order with time is required; check 8 alone judges it", async () => {
    expect(await check({ time: receivedAt.toISOString(), expires: new Date(receivedAt.getTime() - 1).toISOString() })).toBe(Reason.Expired);
    const future = new Date(receivedAt.getTime() + 200_000).toISOString();
    expect(await check({ time: future, expires: new Date(receivedAt.getTime() + 100_000).toISOString() })).toBe("accepted");
  });

  it("digits - only ASCII digits: Arabic-Indic digits in time are schema", async () => {
    expect(await check({ time: "٢٠٢٦-١١-٢٩T06:00:00.000Z" })).toBe(Reason.Schema);
    expect(await check({ time: "2026-11-29T06:00:00.٠٠٠Z" })).toBe(Reason.Schema);
  });
});

describe("protocol rules - strings and bodies (§2, §2.1)", () => {
  it("C1 controls are accepted in one-line text; C0 controls and DEL are not", async () => {
    expect(await check(withTitle("Go-fast \u0085 boats \u009b"))).toBe("accepted");
    expect(await check(withTitle("Go-fast \u001b[31m boats"))).toBe(Reason.Schema);
    expect(await check(withTitle("Go-fast \u007f boats"))).toBe(Reason.Schema);
  });

  it("a lone surrogate escape is accepted and counts as one code point; lengths count code points", async () => {
    expect(await check(withTitle("Go-fast \ud800 boats"))).toBe("accepted");
    expect(await check(withTitle("😀".repeat(200)))).toBe("accepted"); // 200 code points, 400 UTF-16 units
    expect(await check(withTitle("😀".repeat(201)))).toBe(Reason.Schema);
  });

  it("a body that is JSON but not an object is schema, not malformed", async () => {
    for (const text of ["[]", '"x"', "1", "null", "true"]) {
      const msg = await craft(fr, { body: new TextEncoder().encode(text), envelope: sampleEnvelope("fr") });
      expect(reasonOf(await verify(incoming(msg, receivedAt))), text).toBe(Reason.Schema);
    }
  });
});

describe("protocol rules - the live directory at the receive time (§10.1)", () => {
  it("a message received in the same millisecond as a rotation is judged with the new key", () => {
    const world = new GovWorld();
    const old = world.kids.fr!;
    const next = fakeJwk("fr");
    world.act("key-rotated", "fr", { next });
    const t = Date.parse(world.now());
    expect(keyStatusAt(world.state, old, t - 1)).toMatchObject({ status: "active" });
    expect(keyStatusAt(world.state, old, t)).toEqual({ status: "revoked", member: "fr" });
    expect(keyStatusAt(world.state, next.kid, t)).toMatchObject({ status: "active" });
    expect(keyStatusAt(world.state, next.kid, t - 1)).toEqual({ status: "unknown" });
  });

  it("withdrawal takes effect at its receive time; the secretariat is never inactive", () => {
    const world = new GovWorld();
    world.act("member-withdrew", "es", {});
    const t = Date.parse(world.now());
    expect(keyStatusAt(world.state, world.kids.es!, t - 1)).toMatchObject({ status: "active" });
    expect(keyStatusAt(world.state, world.kids.es!, t)).toEqual({ status: "inactive", member: "es" });
    expect(keyStatusAt(world.state, world.kids.sec!, t)).toMatchObject({ status: "active", member: "sec" });
  });
});

describe("protocol rules - the JSON Schemas read alike in every regex engine (§11)", () => {
  const patterns = new Set<string>();
  for (const file of readdirSync(JSON_SCHEMA_DIR).filter((f) => f.endsWith(".json"))) {
    JSON.stringify(JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, file), "utf8")), (key, value: unknown) => {
      if (key === "pattern" && typeof value === "string") patterns.add(value);
      return value;
    });
  }

  it("no pattern uses \\d, \\w, \\s or \\b (they match non-ASCII characters in Python and .NET)", () => {
    expect(patterns.size).toBeGreaterThan(10);
    const unicodeSensitive = [...patterns].filter((p) => /(^|[^\\])(\\\\)*\\[dwsbDWSB]/.test(p));
    expect(unicodeSensitive).toEqual([]);
  });

  const hasPython = spawnSync("python3", ["--version"], { stdio: "ignore" }).status === 0;
  it.skipIf(!hasPython)("python - the date-time pattern refuses Arabic-Indic digits under Python's re", () => {
    const pattern = JSON.parse(readFileSync(join(JSON_SCHEMA_DIR, "envelope.schema.json"), "utf8")).properties.time.pattern as string;
    const script = "import re, sys; p = sys.argv[1]; print(bool(re.fullmatch(p, '2026-11-29T06:00:00.000Z')), bool(re.fullmatch(p, '\u0662\u0660\u0662\u0666-11-29T06:00:00Z')))";
    const run = spawnSync("python3", ["-c", script, pattern], { encoding: "utf8" });
    expect(run.stdout.trim()).toBe("True False");
  });
});
