import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, sign as edSign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../services/bus/core/config.js";
import { StaticKeyDirectory } from "../../services/bus/keys/directory.js";
import { Header } from "../../services/bus/wire/headers.js";
import { Reason } from "../../services/bus/wire/reasons.js";
import { createVerifier, type Verdict } from "../../services/bus/wire/verify.js";

/**
 * The worked examples of docs/protocol.md Appendix A are files (docs/examples/), quoted in the
 * page verbatim, and each is run here, where its toolchain is installed, against the Appendix C
 * cases of checks 1–6: the verdict of each language must be the reference's. The reference's
 * verdict is asserted too, so the page's claims about it are checked as well.
 */

const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLES = join(ROOT, "docs/examples");
const doc = readFileSync(join(ROOT, "docs/protocol.md"), "utf8");
const { bounds } = loadConfig();
const work = mkdtempSync(join(tmpdir(), "alliance-examples-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Appendix A: RFC 8032 §7.1 test 1.
const APPENDIX_JWK = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A", kid: "fr:2026-01", alg: "EdDSA", use: "sig" } as const;
const OTHER_JWK = { kty: "OKP", crv: "Ed25519", x: "PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw", d: "TM0Imyj_ltqdtsNG7BFOD1uKMZ81q6Yk2oz27U-4pvs" } as const; // RFC 8032 test 2
const APPENDIX_BODY = '{"specversion":"1.0","id":"0b9c4f6e-2d1a-4c8e-9f3b-7a5d1e2c3b4a","source":"fr","type":"alliance.crime.bulletin.v1","time":"2026-11-29T06:00:00.000Z","datacontenttype":"application/json","tlp":"AMBER","lang":"fr","data":{"title":"Go-fast boats, Alboran Sea","summary":"Cannabis resin moved by go-fast boats from the Moroccan coast to Andalusia.","body":"Three landings observed in November.","keywords":["go-fast","cannabis"],"offences":["drug-trafficking"]}}';
const APPENDIX_SIGNATURE = "eyJhbGciOiJFZERTQSIsImtpZCI6ImZyOjIwMjYtMDEiLCJiNjQiOmZhbHNlLCJjcml0IjpbImI2NCJdfQ..Poqntw0G7IboF_PlRnXQrVtoHp1Akr0iO0YfGxmIrDgKw-IjczmyyKnRGKLLH1XuofPAzD2dDgllTnQZ3KytCw";

const b64url = (value: string | Uint8Array) => Buffer.from(value).toString("base64url");
const privateKey = createPrivateKey({ key: { ...APPENDIX_JWK }, format: "jwk" });
const otherKey = createPrivateKey({ key: { ...OTHER_JWK }, format: "jwk" });
const GOOD_PROTECTED = '{"alg":"EdDSA","kid":"fr:2026-01","b64":false,"crit":["b64"]}';

/** The header value for `body` under a protected header spelt `protectedJson` (or given as base64url). */
function signWith(body: Uint8Array | string, protectedJson = GOOD_PROTECTED, key = privateKey, protectedB64 = b64url(protectedJson)): string {
  const input = Buffer.concat([Buffer.from(`${protectedB64}.`, "latin1"), Buffer.from(body)]);
  return `${protectedB64}..${edSign(null, input, key).toString("base64url")}`;
}

/** The same base64url text with non-zero unused low bits in its last character: the same bytes, another spelling. */
function nonCanonical(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(text.at(-1)!);
  return text.slice(0, -1) + alphabet[last | 1];
}

type Expected = Reason | "pass";
interface Case {
  readonly name: string;
  readonly header: string | undefined;
  readonly body: Uint8Array;
  /** The reference's verdict, checks 1–6 before the schema: later reasons read "pass". */
  readonly expect: Expected;
  /** Within what the Java example covers (§3.1's form, check 5; no JSON parser in the JDK). */
  readonly java?: boolean;
}

const enc = (text: string) => Buffer.from(text, "utf8");
const signed = (name: string, body: Uint8Array | string, expected: Expected, java = false): Case => ({ name, header: signWith(body), body: typeof body === "string" ? enc(body) : body, expect: expected, java });
const withHeader = (name: string, protectedJson: string, expected: Expected): Case => ({ name, header: signWith(APPENDIX_BODY, protectedJson), body: enc(APPENDIX_BODY), expect: expected });
const good = JSON.parse(GOOD_PROTECTED) as Record<string, unknown>;
const header = (changes: Record<string, unknown>, drop?: string) => {
  const h: Record<string, unknown> = { ...good, ...changes };
  if (drop) delete h[drop];
  return JSON.stringify(h);
};
const appendixHeader = signWith(APPENDIX_BODY);
const [appendixP, , appendixS] = appendixHeader.split(".") as [string, string, string];
const flipped = enc(APPENDIX_BODY);
flipped[100] = flipped[100]! ^ 0x01;

const CASES: Case[] = [
  { name: "appendix-a", header: APPENDIX_SIGNATURE, body: enc(APPENDIX_BODY), expect: "pass", java: true },
  { name: "no-header", header: undefined, body: enc(APPENDIX_BODY), expect: Reason.Unsigned, java: true },
  { name: "empty-header", header: "", body: enc(APPENDIX_BODY), expect: Reason.Unsigned, java: true },
  // check 2: the protected header
  withHeader("alg-none", header({ alg: "none" }), Reason.BadSignatureHeader),
  withHeader("alg-hs256", header({ alg: "HS256" }), Reason.BadSignatureHeader),
  withHeader("alg-es256", header({ alg: "ES256" }), Reason.BadSignatureHeader),
  withHeader("b64-true", header({ b64: true }), Reason.BadSignatureHeader),
  withHeader("b64-missing", header({}, "b64"), Reason.BadSignatureHeader),
  withHeader("b64-string", header({ b64: "false" }), Reason.BadSignatureHeader),
  withHeader("b64-zero", header({ b64: 0 }), Reason.BadSignatureHeader),
  withHeader("crit-missing", header({}, "crit"), Reason.BadSignatureHeader),
  withHeader("crit-empty", header({ crit: [] }), Reason.BadSignatureHeader),
  withHeader("crit-extra", header({ crit: ["b64", "exp"] }), Reason.BadSignatureHeader),
  withHeader("extra-jku", header({ jku: "https://evil.example/keys" }), Reason.BadSignatureHeader),
  withHeader("extra-typ", header({ typ: "JOSE" }), Reason.BadSignatureHeader),
  withHeader("extra-proto", `${GOOD_PROTECTED.slice(0, -1)},"__proto__":{}}`, Reason.BadSignatureHeader),
  withHeader("kid-path", header({ kid: "../../etc/passwd" }), Reason.BadSignatureHeader),
  withHeader("kid-no-origin", header({ kid: "2026-01" }), Reason.BadSignatureHeader),
  withHeader("kid-upper", header({ kid: "FR:2026-01" }), Reason.BadSignatureHeader),
  withHeader("kid-too-long", header({ kid: `fr:${"a".repeat(65)}` }), Reason.BadSignatureHeader),
  withHeader("kid-proto", header({ kid: "__proto__" }), Reason.BadSignatureHeader),
  withHeader("kid-trailing-newline", header({ kid: "fr:2026-01\n" }), Reason.BadSignatureHeader),
  withHeader("protected-repeated-member", `${GOOD_PROTECTED.slice(0, -1)},"kid":"fr:2026-01"}`, Reason.BadSignatureHeader),
  withHeader("protected-bom", `\ufeff${GOOD_PROTECTED}`, Reason.BadSignatureHeader),
  withHeader("protected-not-json", "not json", Reason.BadSignatureHeader),
  withHeader("protected-other-order-and-spaces", '{ "kid": "fr:2026-01", "crit": [ "b64" ], "alg": "EdDSA", "b64": false }', "pass"),
  withHeader("protected-escaped-kid", '{"alg":"EdDSA","kid":"fr:2026\\u002d01","b64":false,"crit":["b64"]}', "pass"),
  // check 2: the form of §3.1
  { name: "attached-form", header: `${appendixP}.${b64url(APPENDIX_BODY)}.${appendixS}`, body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "two-parts", header: `${appendixP}.${appendixS}`, body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "padded-signature", header: `${appendixHeader}==`, body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "padded-protected", header: signWith(APPENDIX_BODY, GOOD_PROTECTED, privateKey, `${b64url(GOOD_PROTECTED)}==`), body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "short-signature", header: appendixHeader.slice(0, -1), body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "signature-not-base64url", header: `${appendixHeader.slice(0, -1)}+`, body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "non-canonical-signature", header: nonCanonical(appendixHeader), body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  { name: "non-canonical-protected", header: signWith(APPENDIX_BODY, GOOD_PROTECTED, privateKey, nonCanonical(b64url(GOOD_PROTECTED))), body: enc(APPENDIX_BODY), expect: Reason.BadSignatureHeader, java: true },
  // checks 3 and 5
  withHeader("unknown-kid", header({ kid: "fr:not-a-key" }), Reason.UnknownKey),
  { name: "bit-flipped", header: appendixHeader, body: flipped, expect: Reason.BadSignature, java: true },
  { name: "other-key", header: signWith(APPENDIX_BODY, GOOD_PROTECTED, otherKey), body: enc(APPENDIX_BODY), expect: Reason.BadSignature, java: true },
  { name: "b64url-body-in-input", header: `${appendixP}..${edSign(null, Buffer.from(`${appendixP}.${b64url(APPENDIX_BODY)}`), privateKey).toString("base64url")}`, body: enc(APPENDIX_BODY), expect: Reason.BadSignature, java: true },
  { name: "header-on-another-body", header: appendixHeader, body: enc(APPENDIX_BODY.replace("Alboran", "Alborán")), expect: Reason.BadSignature, java: true },
  // check 1
  signed("exactly-max-bytes", `{"a":"${"x".repeat(bounds.maxBodyBytes - 8)}"}`, "pass", true),
  signed("oversize", `{"a":"${"x".repeat(bounds.maxBodyBytes - 7)}"}`, Reason.Oversize, true),
  { name: "oversize-unsigned", header: undefined, body: new Uint8Array(bounds.maxBodyBytes + 1), expect: Reason.Oversize, java: true },
  // check 6: depth
  signed("deep-arrays", `${"[".repeat(10_000)}${"]".repeat(10_000)}`, Reason.Malformed),
  signed("deep-objects", `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`, Reason.Malformed),
  signed("depth-32", `${"[".repeat(32)}${"]".repeat(32)}`, "pass"),
  signed("depth-33", `${"[".repeat(33)}${"]".repeat(33)}`, Reason.Malformed),
  signed("brackets-in-strings", `{"a":"${"[".repeat(40)}\\"${"{".repeat(40)}"}`, "pass"),
  // check 6: UTF-8 and the BOM
  signed("invalid-utf8", Buffer.concat([enc('{"a":"'), Buffer.from([0xff]), enc('"}')]), Reason.Malformed),
  signed("encoded-surrogate", Buffer.concat([enc('{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), enc('"}')]), Reason.Malformed),
  signed("overlong-utf8", Buffer.concat([enc('{"a":"'), Buffer.from([0xc0, 0xaf]), enc('"}')]), Reason.Malformed),
  signed("bom", `\ufeff${APPENDIX_BODY}`, Reason.Malformed),
  signed("lone-surrogate-escape", '{"a":"\\ud800"}', "pass"),
  signed("c1-control", '{"a":"\u0085\u009b"}', "pass"),
  // check 6: repeated members
  signed("repeated-member", '{"a":1,"a":2}', Reason.Malformed),
  signed("repeated-member-escaped", '{"source":"fr","\\u0073ource":"es"}', Reason.Malformed),
  signed("repeated-member-nested", '{"data":{"x":1,"y":{"z":1,"z":1}}}', Reason.Malformed),
  signed("same-member-in-siblings", '{"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":1}]}', "pass"),
  // check 6: JSON
  signed("not-json", "hello", Reason.Malformed),
  signed("nan", '{"a":NaN}', Reason.Malformed),
  signed("infinity", '{"a":Infinity}', Reason.Malformed),
  signed("trailing-characters", "{} x", Reason.Malformed),
  signed("two-values", "{}{}", Reason.Malformed),
  signed("trailing-comma", '{"a":1,}', Reason.Malformed),
  signed("comment", '{"a":1 /* x */}', Reason.Malformed),
  signed("single-quotes", "{'a':1}", Reason.Malformed),
  signed("raw-control-in-string", '{"a":"\u0001"}', Reason.Malformed),
  signed("trailing-whitespace", "{} \n\t\r ", "pass"),
  signed("top-level-array", "[]", "pass"),
  signed("top-level-string", '"x"', "pass"),
  signed("huge-number", '{"a":1e999999}', "pass"),
  signed("long-integer", '{"a":123456789012345678901234567890}', "pass"),
  signed("negative-zero", '{"a":-0}', "pass"),
  // check 6: forbidden keys
  signed("proto-deep", '{"data":{"x":[{"__proto__":{}}]}}', Reason.Malformed),
  signed("proto-escaped", '{"\\u005f_proto__":1}', Reason.Malformed),
  signed("constructor-prototype", '{"a":[{"constructor":{"prototype":{}}}]}', Reason.Malformed),
  signed("constructor-alone", '{"constructor":{"x":1}}', "pass"),
  signed("constructor-string", '{"constructor":"prototype"}', "pass"),
];

// ---- the reference ------------------------------------------------------------------------

const LATER_CHECKS: readonly string[] = [Reason.Schema, Reason.KeyMismatch, Reason.SubjectMismatch, Reason.IdMismatch, Reason.Stale, Reason.Expired];
const inScope = (verdict: Verdict): Expected => (verdict.ok || LATER_CHECKS.includes(verdict.reason) ? "pass" : verdict.reason);
const directory = await StaticKeyDirectory.fromJwks({ keys: [{ kty: "OKP", crv: "Ed25519", x: APPENDIX_JWK.x, kid: APPENDIX_JWK.kid, alg: "EdDSA", use: "sig" }] });
const verify = createVerifier({ bounds, directory, now: () => new Date("2026-11-29T06:00:00.250Z") });

describe("protocol examples - the reference's verdicts on the Appendix C cases", () => {
  it("appendix A - the reference accepts the worked example as the page says", async () => {
    const headers: Record<string, string> = { [Header.Signature]: APPENDIX_SIGNATURE, [Header.MsgId]: "0b9c4f6e-2d1a-4c8e-9f3b-7a5d1e2c3b4a" };
    const verdict = await verify({ subject: "alliance.crime.fr.bulletin", body: enc(APPENDIX_BODY), header: (n) => headers[n], receivedAt: new Date("2026-11-29T06:00:00.250Z") });
    expect(verdict.ok).toBe(true);
    expect(signWith(APPENDIX_BODY)).toBe(APPENDIX_SIGNATURE);
    expect(doc).toContain(APPENDIX_BODY);
    expect(doc).toContain(APPENDIX_SIGNATURE);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("reference - %s", async (_name, c) => {
    const verdict = await verify({ subject: "alliance.crime.fr.bulletin", body: c.body, header: (n) => (n === Header.Signature ? c.header : undefined), receivedAt: new Date() });
    expect(inScope(verdict)).toBe(c.expect);
  });
});

// ---- the examples -------------------------------------------------------------------------

function casesFile(cases: readonly Case[]): string {
  const lines = [`directory\t${APPENDIX_JWK.kid}\t${APPENDIX_JWK.x}`, `sign\tappendix-a-signature\t${APPENDIX_JWK.d}\t${APPENDIX_JWK.kid}\t${Buffer.from(APPENDIX_BODY).toString("base64")}`];
  for (const c of cases) lines.push(`case\t${c.name}\t${c.header === undefined ? "-" : Buffer.from(c.header).toString("base64")}\t${Buffer.from(c.body).toString("base64")}`);
  const file = join(work, `cases-${Math.random().toString(36).slice(2)}.tsv`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** The runner's output as name → verdict; the signature line must be Appendix A's. */
function expectVerdicts(output: string, cases: readonly Case[]): void {
  const got = new Map(output.trim().split("\n").map((line) => line.split("\t") as [string, string]));
  expect(got.get("appendix-a-signature"), "the example signs Appendix A's body to Appendix A's signature").toBe(APPENDIX_SIGNATURE);
  const wrong = cases.filter((c) => got.get(c.name) !== c.expect).map((c) => `${c.name}: expected ${c.expect}, got ${got.get(c.name)}`);
  expect(wrong).toEqual([]);
}

const has = (command: string, args: string[], env?: NodeJS.ProcessEnv) => spawnSync(command, args, { stdio: "ignore", ...(env ? { env } : {}) }).status === 0;
const hasPython = has("python3", ["-c", "import cryptography"]);
const hasJava = has("javac", ["-version"]) && has("java", ["-version"]);
const hasGo = has("go", ["version"]);
const goEnv = { ...process.env, GOCACHE: join(work, "gocache"), GOPATH: join(work, "gopath"), GOFLAGS: "-mod=mod", GOPROXY: "off", GOTOOLCHAIN: "local" };

describe("protocol examples - each worked example gives the reference's verdicts", () => {
  it.skipIf(!hasPython)(`python - docs/examples/python${hasPython ? "" : " (skipped: python3 with the cryptography package is not installed)"}`, () => {
    const output = execFileSync("python3", ["run_cases.py", casesFile(CASES)], { cwd: join(EXAMPLES, "python"), encoding: "utf8", maxBuffer: 1 << 26 });
    expectVerdicts(output, CASES);
  }, 120_000);

  it.skipIf(!hasGo)(`go - docs/examples/go${hasGo ? "" : " (skipped: no Go toolchain; .ci/run installs Debian's golang-go)"}`, () => {
    const output = execFileSync("go", ["run", "./runner", casesFile(CASES)], { cwd: join(EXAMPLES, "go"), env: goEnv, encoding: "utf8", maxBuffer: 1 << 26 });
    expectVerdicts(output, CASES);
  }, 300_000);

  it.skipIf(!hasJava)(`java - docs/examples/java, checks 1, 2 (§3.1) and 5${hasJava ? "" : " (skipped: no JDK 17)"}`, () => {
    const classes = join(work, "java");
    execFileSync("javac", ["-d", classes, "AllianceJws.java", "RunCases.java"], { cwd: join(EXAMPLES, "java") });
    const javaCases = CASES.filter((c) => c.java);
    expect(javaCases.length).toBeGreaterThan(15);
    const output = execFileSync("java", ["-cp", classes, "RunCases", casesFile(javaCases)], { encoding: "utf8", maxBuffer: 1 << 26 });
    expectVerdicts(output, javaCases);
  }, 120_000);
});

describe("protocol examples - the page quotes the files", () => {
  const quoted = [...doc.matchAll(/<!-- file: (\S+) -->\n```[a-z]*\n([\s\S]*?)```\n/g)];

  it("doc - every example file is quoted in docs/protocol.md, exactly", () => {
    const files = quoted.map((m) => m[1]);
    expect(files).toEqual(expect.arrayContaining(["docs/examples/go/alliance.go", "docs/examples/python/alliance_jws.py", "docs/examples/java/AllianceJws.java"]));
    for (const [, file, block] of quoted) expect(block, `${file} differs from its quotation in docs/protocol.md`).toBe(readFileSync(join(ROOT, file!), "utf8"));
  });
});
