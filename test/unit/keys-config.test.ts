import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../services/bus/core/config.js";
import { StaticKeyDirectory } from "../../services/bus/keys/directory.js";
import { ErrorCode } from "../../services/bus/core/errors.js";
import { initKeys, loadSigner } from "../../services/bus/keys/keys.js";
import { REDACT_PATHS } from "../../services/bus/core/logger.js";
import { findRepeatedMember, nestingExceeds, parseJsonSafely } from "../../services/bus/wire/safe-json.js";

const dir = mkdtempSync(join(tmpdir(), "alliance-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("keys - files and secrecy", () => {
  it("keys - a private key file with a bad field is refused naming the field, never echoing key material", async () => {
    await initKeys(dir, ["fr"]);
    const jwk = JSON.parse(readFileSync(join(dir, "fr.jwk"), "utf8"));
    const bad = join(dir, "bad.jwk");
    writeFileSync(bad, JSON.stringify({ ...jwk, kid: "not a kid" }));
    const error = await loadSigner(bad).then(() => ({ code: "", message: "loaded" }), (e: unknown) => e as { code: string; message: string });
    expect(error.code).toBe(ErrorCode.KeyInvalid);
    expect(error.message).toContain("kid");
    expect(error.message).not.toContain(jwk.d);
  });

  it("keys - the logger redacts private key members wherever they are bound", async () => {
    const jwk = JSON.parse(readFileSync(join(dir, "fr.jwk"), "utf8"));
    let out = "";
    const sink = new Writable({ write(chunk, _enc, done) { out += chunk; done(); } });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, sink);
    log.info({ key: jwk, seed: "SUAEXAMPLE", jwk }, "loaded");
    log.info(jwk, "bare");
    expect(out).not.toContain(jwk.d);
    expect(out).not.toContain("SUAEXAMPLE");
  });

  it("directory - a kid listed twice is refused", async () => {
    const directory = JSON.parse(readFileSync(join(dir, "directory.json"), "utf8"));
    await expect(StaticKeyDirectory.fromJwks({ keys: [directory.keys[0], directory.keys[0]] })).rejects.toMatchObject({ code: ErrorCode.DirectoryInvalid });
  });
});

describe("config - validation", () => {
  const base = loadConfig();
  it("config - the shipped config is valid and frozen", () => {
    expect(base.members.map((m) => m.code)).toEqual(["ae", "bh", "ma", "fr", "it", "es", "sn"]);
    expect(Object.isFrozen(base.bounds)).toBe(true);
  });

  it.each([
    ["a duplicate window shorter than twice the skew", { bounds: { ...base.bounds, duplicateWindowSeconds: base.bounds.skewSeconds } }, "bounds.duplicateWindowSeconds"],
    ["a member listed twice", { members: [...base.members, base.members[0]] }, "members"],
    ["a secretariat host that is not a member", { secretariat: { code: "sec", host: "zz" } }, "secretariat.host"],
    ["an unknown key", { colour: "blue" }, "colour"],
    ["two replicas", { bounds: { ...base.bounds, replicas: 2 } }, "bounds.replicas"],
  ])("config - %s is refused naming the field", (_name, patch, field) => {
    let error: { code?: string; message?: string } = {};
    try {
      parseConfig({ ...base, ...patch }, "custom.json");
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe(ErrorCode.ConfigInvalid);
    expect(error.message).toContain("custom.json");
    expect(error.message).toContain(field);
  });
});

describe("safe-json - bounds before parsing", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it("safe-json - brackets inside strings, and escaped quotes, do not count as depth", () => {
    expect(nestingExceeds(bytes(`{"a":"${"[".repeat(100)}\\"${"{".repeat(100)}"}`), 2)).toBe(false);
    expect(nestingExceeds(bytes("[[[1]]]"), 3)).toBe(false);
    expect(nestingExceeds(bytes("[[[[1]]]]"), 3)).toBe(true);
  });
  it("safe-json - __proto__ anywhere is refused, ordinary keys parse", () => {
    expect(parseJsonSafely(bytes('{"a":{"b":[{"__proto__":{}}]}}'), 10).ok).toBe(false);
    expect(parseJsonSafely(bytes('{"a":{"proto":1,"constructorName":"x"}}'), 10)).toEqual({ ok: true, value: { a: { proto: 1, constructorName: "x" } } });
  });

  it("safe-json - a member repeated in one object is refused, however it is spelled", () => {
    expect(findRepeatedMember('{"source":"fr","source":"es"}')).toBe("source");
    expect(findRepeatedMember('{"source":"fr","\\u0073ource":"es"}')).toBe("source");
    expect(findRepeatedMember('{"a":{"x":1},"b":{"x":2},"c":[{"x":1},{"x":2}]}')).toBeUndefined();
    expect(findRepeatedMember('{"a":"{\\"a\\":1,","b":["a","a"]}')).toBeUndefined();
    expect(findRepeatedMember('{"data":{"keywords":["k"],"title":"t","title":"u"}}')).toBe("title");
    expect(parseJsonSafely(bytes('{"a":1,"a":1}'), 4).ok).toBe(false);
  });
});

describe("directory - weak keys", () => {
  it("directory - a small-order public key is refused at load, naming the field", async () => {
    const directory = JSON.parse(readFileSync(join(dir, "directory.json"), "utf8"));
    // The identity point (small order): with it, lenient verifiers accept forged signatures.
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const weak = { ...directory.keys[0], x: identity.toString("base64url") };
    const file = join(dir, "weak-directory.json");
    writeFileSync(file, JSON.stringify({ keys: [weak] }));
    await expect(StaticKeyDirectory.fromFile(file)).rejects.toMatchObject({ code: ErrorCode.DirectoryInvalid, message: expect.stringContaining("keys[0].x") });
  });
});
