import { execFile } from "node:child_process";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EncPrivateJwk, type Jwks } from "../../schemas/keys.js";
import { sealedAad } from "../../schemas/sealed.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { withUnseal } from "../../services/bus/consume/unseal.js";
import { StaticKeyDirectory } from "../../services/bus/keys/directory.js";
import { StaticEncryptionDirectory, toPublicEncJwk } from "../../services/bus/keys/encryption.js";
import { EncKeyring } from "../../services/bus/keys/keyring.js";
import { signerFromJwk, toPublicJwk } from "../../services/bus/keys/keys.js";
import { createSealer } from "../../services/bus/publish/seal.js";
import { Header } from "../../services/bus/wire/headers.js";
import { sealJwe } from "../../services/bus/wire/jwe.js";
import { signEvent } from "../../services/bus/wire/sign.js";
import { createVerifier } from "../../services/bus/wire/verify.js";
import { PrivateJwk } from "../../schemas/keys.js";

/**
 * The worked example of docs/protocol.md §14 (sealed distribution), made by the reference code
 * from fixed keys, content key, IV and ephemeral keys, held to docs/examples/sealed-example.json,
 * and reproduced byte for byte by docs/examples/seal.py (Python, `cryptography` only).
 * UPDATE_SEALED_EXAMPLE=1 rewrites the JSON file (then update the document's quotes).
 */
const run = promisify(execFile);
const EXAMPLE = "docs/examples/sealed-example.json";
const SEAL_PY = "docs/examples/seal.py";
const config = loadConfig();

const pkcs8 = (prefix: string, hex: string) => createPrivateKey({ key: Buffer.from(prefix + hex, "hex"), format: "der", type: "pkcs8" });
function okpJwk(prefix: string, seedHex: string) {
  const key = pkcs8(prefix, seedHex);
  const { x } = createPublicKey(key).export({ format: "jwk" });
  return { x: x!, d: Buffer.from(seedHex, "hex").toString("base64url") };
}
// RFC 8032 §7.1 test 2 (Italy's signing key) and RFC 7748 §6.1 Alice and Bob (Spain's and Morocco's encryption keys): public test keys.
const IT_SEED = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
const itJwk = PrivateJwk.parse({ kty: "OKP", crv: "Ed25519", ...okpJwk("302e020100300506032b657004220420", IT_SEED), kid: "it:2026-01", alg: "EdDSA", use: "sig" });
const enc = (code: string, hex: string) => EncPrivateJwk.parse({ kty: "OKP", crv: "X25519", ...okpJwk("302e020100300506032b656e04220420", hex), kid: `${code}:enc-2026-01`, use: "enc", alg: "ECDH-ES+A256KW" });
const esEnc = enc("es", "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const maEnc = enc("ma", "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const CEK = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const IV = "a0a1a2a3a4a5a6a7a8a9aaab";
const EPHEMERAL = ["4a".repeat(32), "5b".repeat(32)];
const jwks: Jwks = { keys: [toPublicJwk(itJwk), toPublicEncJwk(esEnc), toPublicEncJwk(maEnc)] };

async function buildExample() {
  const signer = await signerFromJwk(itJwk);
  const recipients = [toPublicEncJwk(esEnc), toPublicEncJwk(maEnc)];
  const vector = { cek: Buffer.from(CEK, "hex"), iv: Buffer.from(IV, "hex"), ephemeral: EPHEMERAL.map((h) => Buffer.from(h, "hex")) };
  let plaintext = "";
  const signed = await signEvent(signer, {
    channel: "crime", kind: "bulletin", tlp: "RED", lang: "it", recipients: ["es", "ma"], handling: "H2", evaluation: "B2",
    id: "7d3f2a1b-5c4e-4f6a-8b9c-0d1e2f3a4b5c", time: new Date("2026-11-30T08:00:00.000Z"),
    data: { title: "E-waste shipments to West Africa", summary: "Containers declared as used appliances held broken equipment.", body: "Two ports, three shipping firms.", keywords: ["e-waste", "containers"], offences: ["environmental-crime"] },
  }, config.bounds, (plain) => {
    plaintext = JSON.stringify(plain.data);
    return sealJwe(Buffer.from(plaintext, "utf8"), recipients, sealedAad(plain), vector);
  });
  const body = new TextDecoder().decode(signed.body);
  const { data: jwe, ...envelope } = JSON.parse(body) as Record<string, unknown>;
  return {
    signer: { kid: itJwk.kid, seed: IT_SEED, jwk: toPublicJwk(itJwk) },
    recipientKeys: recipients,
    recipientPrivateKeys: [esEnc, maEnc],
    cek: CEK, iv: IV, ephemeral: EPHEMERAL,
    envelope, plaintext, aad: sealedAad({ source: "it", id: String(envelope.id), type: String(envelope.type) }),
    jwe: JSON.stringify(jwe), body, signature: signed.signature, subject: signed.subject,
  };
}

describe("sealed example - docs/protocol.md §14, reproduced in Python", async () => {
  const example = await buildExample();
  if (process.env.UPDATE_SEALED_EXAMPLE) writeFileSync(EXAMPLE, `${JSON.stringify(example, null, 2)}\n`);

  it("sealed example - the reference code makes exactly the document's JWE, body and signature", () => {
    expect(example).toEqual(JSON.parse(readFileSync(EXAMPLE, "utf8")));
    const doc = readFileSync("docs/protocol.md", "utf8");
    for (const quoted of [example.jwe, example.signature, example.plaintext, readFileSync(SEAL_PY, "utf8").trim()]) expect(doc).toContain(quoted);
  });

  it("sealed example - it verifies, and each recipient opens it with its key", async () => {
    const verify = createVerifier({ bounds: config.bounds, directory: await StaticKeyDirectory.fromJwks(jwks), now: () => new Date("2026-11-30T08:00:01.000Z") });
    const message = { subject: example.subject, body: new TextEncoder().encode(example.body), header: (n: string) => ({ [Header.Signature]: example.signature, [Header.MsgId]: String(example.envelope.id) })[n], receivedAt: new Date("2026-11-30T08:00:00.250Z") };
    for (const jwk of [esEnc, maEnc]) {
      const member = jwk.kid.slice(0, 2);
      const verdict = await withUnseal(verify, { member, keyring: new EncKeyring([jwk]), bounds: config.bounds })(message);
      expect(verdict).toMatchObject({ ok: true, sealed: { kid: jwk.kid } });
      if (verdict.ok) expect(JSON.stringify(verdict.event.data)).toBe(example.plaintext);
    }
  });

  it("sealed example - seal.py reproduces it byte for byte, and opens a message the reference sealed at random", async () => {
    const reproduced = await run("python3", [SEAL_PY, "reproduce", EXAMPLE]);
    expect(reproduced.stdout).toContain("reproduced");

    const dir = mkdtempSync(join(tmpdir(), "alliance-seal-py-"));
    try {
      const signer = await signerFromJwk(itJwk);
      const data = { title: "Sigillato a caso", summary: "Chiave, IV ed effimere casuali.", body: "Solo la Spagna legge.", keywords: ["prova"], offences: ["environmental-crime"] };
      const signed = await signEvent(signer, { channel: "crime", kind: "bulletin", tlp: "AMBER+STRICT", lang: "it", recipients: ["es"], data }, config.bounds, createSealer({ directory: StaticEncryptionDirectory.fromJwks(jwks) }));
      writeFileSync(join(dir, "body.json"), signed.body);
      writeFileSync(join(dir, "es.enc.jwk"), JSON.stringify({ keys: [esEnc] }));
      const opened = await run("python3", [SEAL_PY, "open", join(dir, "body.json"), "es", join(dir, "es.enc.jwk")]);
      expect(JSON.parse(opened.stdout)).toEqual(data);
      // The same ciphertext in another envelope: Python refuses it too.
      const lifted = JSON.parse(new TextDecoder().decode(signed.body));
      writeFileSync(join(dir, "lifted.json"), JSON.stringify({ ...lifted, source: "fr" }));
      await expect(run("python3", [SEAL_PY, "open", join(dir, "lifted.json"), "es", join(dir, "es.enc.jwk")])).rejects.toThrow(/aad/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
