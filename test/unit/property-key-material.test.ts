import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser } from "@nats-io/nkeys";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { AllianceError, ErrorCode } from "../../services/bus/core/errors.js";
import { censorKeyMaterial, createLogger } from "../../services/bus/core/logger.js";
import { generateEncryptionKey } from "../../services/bus/keys/encryption.js";
import { generateMemberKey, loadEncryptionKey, loadJwks, loadSigner } from "../../services/bus/keys/keys.js";
import { clientConnectOptions } from "../../services/identity/connect-options.js";
import { readSeed } from "../../services/identity/nkeys.js";
import { runAlliance } from "../helpers/cli.js";

/**
 * No key material in any output (issue 10, finding 5): every loader of a private key, fed malformed
 * files of every shape, fails with a stable code naming the file and the field, and nothing it
 * says (message, cause, what a logger writes of it, the CLI's stdout and stderr) holds any six
 * characters of the secret.
 */

const dir = mkdtempSync(join(tmpdir(), "alliance-keymat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signing = await generateMemberKey("fr");
const encryption = await generateEncryptionKey("fr");
const other = await generateMemberKey("fr");
const seed = new TextDecoder().decode(createUser().getSeed());

/** Every 6-character substring of a secret. */
function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 6 <= secret.length; i++) out.push(secret.slice(i, i + 6));
  return out;
}
const SECRETS = [signing.d, encryption.d, other.d, seed];

function expectNoFragment(output: string, secrets = SECRETS): void {
  for (const secret of secrets) {
    const leaked = fragments(secret).find((f) => output.includes(f));
    expect(leaked, `a fragment of key material reached output: …${leaked}…`).toBeUndefined();
  }
}

/** What anyone could print of an error: message, stack, cause chain, own properties, and a logger's line. */
function everythingSaidAbout(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    parts.push(String(current), (current as Error).stack ?? "", JSON.stringify(current, Object.getOwnPropertyNames(current)));
    current = (current as { cause?: unknown }).cause;
  }
  const lines: string[] = [];
  createLogger({ name: "t", stream: { write: (l: string) => lines.push(l) } }).error({ err }, "failed");
  return parts.join("\n") + lines.join("");
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Malformed private JWK files of every shape, built around a real private value `d`. */
function malformedJwkTexts(jwk: Record<string, unknown>): [string, string][] {
  const d = String(jwk.d);
  const text = JSON.stringify(jwk);
  const dAt = text.indexOf(d);
  return [
    ["d too short", JSON.stringify({ ...jwk, d: d.slice(0, 40) })],
    ["d too long", JSON.stringify({ ...jwk, d: `${d}AAAA` })],
    ["d not base64url", JSON.stringify({ ...jwk, d: `${d.slice(0, 20)}!${d.slice(21)}` })],
    ["d padded", JSON.stringify({ ...jwk, d: `${d.slice(0, 42)}=` })],
    ["d a number", JSON.stringify({ ...jwk, d: 12 })],
    ["d an object", JSON.stringify({ ...jwk, d: { value: d } })],
    ["d an array", JSON.stringify({ ...jwk, d: [d] })],
    ["syntax error in the middle of d", `${text.slice(0, dAt + 20)}"${text.slice(dAt + 20)}`],
    ["newline in the middle of d", `${text.slice(0, dAt + 20)}\n${text.slice(dAt + 20)}`],
    ["truncated in d", text.slice(0, dAt + 30)],
    ["truncated after d", text.slice(0, dAt + d.length + 1)],
    ["an array of the key", JSON.stringify([jwk])],
    ["an array of d", JSON.stringify([d])],
    ["d as a member name", JSON.stringify({ ...jwk, [d]: true })],
    ["d alone", d],
    ["x of another key", JSON.stringify({ ...jwk, x: other.x })],
    ["an extra member", JSON.stringify({ ...jwk, key_ops: ["sign"], p: d })],
    ["bad kid", JSON.stringify({ ...jwk, kid: "nope" })],
    ["empty", ""],
    ["a byte-order mark", `\ufeff${text}`],
  ];
}

describe("key material - loaders", () => {
  it("loadSigner - every malformed private JWK is ERR_KEY_INVALID naming the file and a field, without the key", async () => {
    for (const [what, text] of malformedJwkTexts(signing)) {
      const file = write(`signing-${what.replaceAll(" ", "-")}.jwk`, text);
      const err = await loadSigner(file).then(() => undefined, (e: unknown) => e);
      expect(err, what).toBeInstanceOf(AllianceError);
      expect((err as AllianceError).code, what).toBe(ErrorCode.KeyInvalid);
      expect((err as AllianceError).message, what).toContain(file);
      expectNoFragment(everythingSaidAbout(err));
    }
  });

  it("loadSigner - a field is named: the one that is wrong", async () => {
    const file = write("named.jwk", JSON.stringify({ ...signing, d: "!".repeat(43) }));
    await expect(loadSigner(file)).rejects.toMatchObject({ code: ErrorCode.KeyInvalid, message: expect.stringMatching(/bad field\(s\) d$/) });
    await expect(loadSigner(join(dir, "missing.jwk"))).rejects.toMatchObject({ code: ErrorCode.KeyUnreadable });
  });

  it("loadEncryptionKey - every malformed X25519 private JWK is ERR_KEY_INVALID, without the key", () => {
    for (const [what, text] of malformedJwkTexts(encryption).filter(([w]) => w !== "x of another key")) {
      const file = write(`enc-${what.replaceAll(" ", "-")}.jwk`, text);
      let err: unknown;
      try {
        loadEncryptionKey(file);
      } catch (e) {
        err = e;
      }
      expect(err, what).toMatchObject({ code: ErrorCode.KeyInvalid });
      expect((err as Error).message).toContain(file);
      expectNoFragment(everythingSaidAbout(err));
    }
  });

  it("loadJwks - a directory holding private keys or broken JSON is ERR_DIRECTORY_INVALID, without the key", () => {
    const texts = [
      ...malformedJwkTexts(signing).filter(([what]) => what !== "empty").map(([what, text]) => [what, `{"keys":[${text}]}`] as const),
      ["a private key in the directory", JSON.stringify({ keys: [signing] })] as const,
      ["the private key as the directory", JSON.stringify(signing)] as const,
    ];
    for (const [what, text] of texts) {
      const file = write(`directory-${what.replaceAll(" ", "-")}.json`, text);
      let err: unknown;
      try {
        loadJwks(file);
      } catch (e) {
        err = e;
      }
      expect(err, what).toMatchObject({ code: ErrorCode.DirectoryInvalid });
      expectNoFragment(everythingSaidAbout(err));
    }
  });

  it("nkey seeds - every malformed seed file is ERR_CREDS_INVALID naming the file, without the seed", () => {
    const texts: [string, string][] = [
      ["truncated", seed.slice(0, 40)],
      ["a bad character", `${seed.slice(0, 30)}!${seed.slice(31)}`],
      ["lower case", seed.toLowerCase()],
      ["an account seed prefix", `SA${seed.slice(2)}`],
      ["in JSON", JSON.stringify({ seed })],
      ["twice", `${seed}\n${seed}`],
      ["a changed checksum", `${seed.slice(0, -2)}AA`],
    ];
    for (const [what, text] of texts) {
      const file = write(`seed-${what.replaceAll(" ", "-")}.nk`, text);
      for (const load of [() => readSeed(file), () => clientConnectOptions({ credsFile: file })]) {
        let err: unknown;
        try {
          load();
        } catch (e) {
          err = e;
        }
        expect(err, what).toMatchObject({ code: ErrorCode.CredsInvalid });
        expect((err as Error).message).toContain(file);
        expectNoFragment(everythingSaidAbout(err));
      }
    }
  });
});

describe("key material - logs", () => {
  const lines: string[] = [];
  const log = createLogger({ name: "t", level: "debug", stream: { write: (l: string) => lines.push(l) } });

  it("logger - key material is censored at any depth, in arrays, errors, strings and child bindings", () => {
    lines.length = 0;
    const deep: Record<string, unknown> = { d: signing.d };
    let nested: Record<string, unknown> = deep;
    for (let i = 0; i < 6; i++) nested = { level: i, inner: nested, list: [nested, { seed }] };
    log.info({ jwk: signing, enc: [encryption], a: { b: { c: { d: signing.d, privateKey: other.d } } }, nested }, "keys");
    log.warn({ err: new Error(`Unexpected token in JSON at position 80: ..."d":"${signing.d}"...`), note: `seed is ${seed}` }, "parse failed");
    log.child({ key: other.d, creds: seed }).error({ list: [[[{ Seed: seed }]]] }, "child");
    const shared = { d: other.d };
    log.info({ one: shared, two: shared, three: [shared] }, "shared");
    const cyclic: Record<string, unknown> = { d: signing.d };
    cyclic.self = cyclic;
    log.info({ cyclic }, "cyclic");
    expect(lines).toHaveLength(5);
    expectNoFragment(lines.join(""));
    expect(lines.join("")).toContain("[redacted]");
  });

  it("logger - censoring is a property: a secret under a secret name, anywhere in any JSON, never reaches the line", () => {
    const secretName = fc.constantFrom("d", "seed", "privateKey", "key", "creds", "password", "token", "nkey", "D", "Seed");
    const withSecret = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" },
        fc.jsonValue({ maxDepth: 2 }),
        fc.tuple(secretName, fc.constantFrom(...SECRETS)).map(([k, v]) => ({ [k]: v })),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie("node"), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(withSecret, (value) => {
        lines.length = 0;
        log.info({ value }, "property");
        expectNoFragment(lines.join(""));
      }),
      { numRuns: 300 },
    );
  });

  it("censorKeyMaterial - leaves objects without secrets untouched (same reference)", () => {
    const plain = { kid: "fr:2026-01", list: [1, { a: "b" }], err: new Error("nothing secret") };
    expect(censorKeyMaterial(plain)).toBe(plain);
  });
});

describe("key material - through the CLI", () => {
  const env = { ...process.env, NATS_URL: "nats://127.0.0.1:1", LOG_LEVEL: "debug", LOG_PRETTY: "false" };

  it("cli - a malformed private key gives ERR_KEY_INVALID naming the file and field: no stack trace, no unexpected error, no key", { timeout: 180_000 }, async () => {
    const shapes = malformedJwkTexts(signing).filter(([what]) => ["syntax error in the middle of d", "truncated in d", "d not base64url", "an array of the key", "x of another key"].includes(what));
    for (const [what, text] of shapes) {
      const file = write(`cli-${what.replaceAll(" ", "-")}.jwk`, text);
      // A bad key file is bad input: exit 2 (README, services/cli/exit-codes.ts).
      const run = await runAlliance(["publish", "crime", "bulletin", "--data", "-", "--key", file], { env, input: "{}" });
      const output = run.stdout + run.stderr;
      expect(run.code, what).toBe(2);
      expect(output, what).toContain(ErrorCode.KeyInvalid);
      expect(output, what).toContain(file);
      expect(output, what).not.toContain("unexpected error");
      expect(output, what).not.toMatch(/\n\s+at /);
      expectNoFragment(output);
    }
  });

  it("cli - a malformed founding directory and a malformed nkey seed: stable codes, no key", { timeout: 120_000 }, async () => {
    const directory = write("cli-directory.json", JSON.stringify({ keys: [signing] }));
    const audit = await runAlliance(["gov", "audit", "--directory", directory], { env });
    expect(audit.stderr).toContain(ErrorCode.DirectoryInvalid);
    expectNoFragment(audit.stdout + audit.stderr);
    const seedFile = write("cli-seed.nk", `${seed.slice(0, 30)}!${seed.slice(31)}`);
    const status = await runAlliance(["streams"], { env: { ...env, NATS_CREDS: seedFile } });
    expect(status.stderr).toContain(ErrorCode.CredsInvalid);
    expect(status.stdout + status.stderr).not.toContain("unexpected error");
    expectNoFragment(status.stdout + status.stderr);
  });
});
