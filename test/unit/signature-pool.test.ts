import { generateKeyPairSync, type webcrypto } from "node:crypto";
import { exportJWK, importJWK } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { parseSignatureHeader, signDetachedNative, verifyDetachedNative, type ParsedSignature } from "../../services/bus/wire/jws.js";
import { createBacklogSignatureCheck, createSignaturePool } from "../../services/bus/wire/signature-pool.js";

async function keyPair(): Promise<{ priv: webcrypto.CryptoKey; pub: webcrypto.CryptoKey }> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    priv: (await importJWK(await exportJWK(privateKey), "EdDSA")) as webcrypto.CryptoKey,
    pub: (await importJWK(await exportJWK(publicKey), "EdDSA")) as webcrypto.CryptoKey,
  };
}

function signed(body: Uint8Array, priv: webcrypto.CryptoKey): ParsedSignature {
  const parsed = parseSignatureHeader(signDetachedNative(body, "fr:k1", priv));
  if (!parsed.ok) throw new Error(parsed.detail);
  return parsed.value;
}

const pool = createSignaturePool(2);
afterAll(() => pool.close());

describe("signature pool - the arithmetic on worker threads, the same verdicts", () => {
  it("signature pool - valid signatures hold and every tampered body or signature fails, as on the main thread", async () => {
    const { priv, pub } = await keyPair();
    const cases: { body: Uint8Array; sig: ParsedSignature }[] = [];
    for (let i = 0; i < 300; i++) {
      const body = Buffer.from(JSON.stringify({ i, text: "bulletin ".repeat(i % 40) }));
      const sig = signed(body, priv);
      if (i % 3 === 1) body[i % body.length]! ^= 1; // tampered after signing
      if (i % 3 === 2) {
        const bytes = Buffer.from(sig.signatureB64, "base64url");
        bytes[i % 64]! ^= 0x10;
        cases.push({ body, sig: { ...sig, signatureB64: bytes.toString("base64url") } });
        continue;
      }
      cases.push({ body, sig });
    }
    for (const c of cases) pool.submit(c.body, c.sig, pub);
    const fromPool = await Promise.all(cases.map((c) => pool.check(c.body, c.sig, pub)));
    expect(fromPool).toEqual(cases.map((c) => verifyDetachedNative(c.body, c.sig, pub)));
    expect(fromPool.filter(Boolean)).toHaveLength(100);
  });

  it("signature pool - an answer is used only for the key and the signature it was computed with", async () => {
    const fr = await keyPair();
    const other = await keyPair();
    const body = Buffer.from('{"hello":"world"}');
    const sig = signed(body, fr.priv);
    // Submitted under the wrong key (the worker says no), checked under the right one: the main thread's yes.
    pool.submit(body, sig, other.pub);
    expect(await pool.check(body, sig, fr.pub)).toBe(true);
    // Submitted under the right key (the worker says yes), checked under another: the main thread's no.
    pool.submit(body, sig, fr.pub);
    expect(await pool.check(body, sig, other.pub)).toBe(false);
    // Submitted with its signature, checked with another message's signature: no.
    const otherSig = signed(Buffer.from('{"other":1}'), fr.priv);
    pool.submit(body, sig, fr.pub);
    expect(await pool.check(body, otherSig, fr.pub)).toBe(false);
  });
});

/** 300 bodies under `priv`: a third valid, a third tampered after signing, a third with a flipped signature bit. */
function mixedCases(priv: webcrypto.CryptoKey): { body: Uint8Array; sig: ParsedSignature }[] {
  const cases: { body: Uint8Array; sig: ParsedSignature }[] = [];
  for (let i = 0; i < 300; i++) {
    const body = Buffer.from(JSON.stringify({ i, text: "alert ".repeat(i % 30) }));
    const sig = signed(body, priv);
    if (i % 3 === 1) body[i % body.length]! ^= 1;
    if (i % 3 === 2) {
      const bytes = Buffer.from(sig.signatureB64, "base64url");
      bytes[(i * 7) % 64]! ^= 0x01;
      cases.push({ body, sig: { ...sig, signatureB64: bytes.toString("base64url") } });
      continue;
    }
    cases.push({ body, sig });
  }
  return cases;
}

describe("backlog signature check - main thread when alone, workers when a backlog exists, the same verdicts", () => {
  it("backlog check - the first backlog is verified on the main thread while the workers boot, never waiting for them", async () => {
    const check = createBacklogSignatureCheck({ workers: 1 });
    try {
      const { priv, pub } = await keyPair();
      const cases = mixedCases(priv);
      const answers = await Promise.all(cases.map((c) => check(c.body, c.sig, pub)));
      expect(answers).toEqual(cases.map((c) => verifyDetachedNative(c.body, c.sig, pub)));
      expect(check.counts()).toEqual({ mainThread: cases.length, workers: 0 });
    } finally {
      await check.close();
    }
  });

  it("backlog check - a backlog goes to the workers and gets the main thread's verdict on every valid and tampered message", async () => {
    const check = createBacklogSignatureCheck({ workers: 1 });
    try {
      const { priv, pub } = await keyPair();
      const cases = mixedCases(priv);
      await check.warm();
      const answers = await Promise.all(cases.map((c) => check(c.body, c.sig, pub)));
      expect(answers).toEqual(cases.map((c) => verifyDetachedNative(c.body, c.sig, pub)));
      expect(answers.filter(Boolean)).toHaveLength(100);
      expect(check.counts().workers).toBeGreaterThan(250);
      // Under another key, none holds.
      const other = await keyPair();
      expect((await Promise.all(cases.map((c) => check(c.body, c.sig, other.pub)))).some(Boolean)).toBe(false);
    } finally {
      await check.close();
    }
  });

  it("backlog check - messages that come one at a time are verified on the main thread, with the same verdicts", async () => {
    const check = createBacklogSignatureCheck({ workers: 1 });
    try {
      const { priv, pub } = await keyPair();
      const cases = mixedCases(priv).slice(0, 30);
      const answers: boolean[] = [];
      for (const c of cases) answers.push(await check(c.body, c.sig, pub));
      expect(answers).toEqual(cases.map((c) => verifyDetachedNative(c.body, c.sig, pub)));
      expect(check.counts()).toEqual({ mainThread: 30, workers: 0 });
    } finally {
      await check.close();
    }
  });

  it("backlog check - a signature the worker cannot take (wrong length, not Ed25519) is refused on the main thread, amid a backlog", async () => {
    const check = createBacklogSignatureCheck({ workers: 1 });
    try {
      const { priv, pub } = await keyPair();
      const cases = mixedCases(priv).slice(0, 20);
      await check.warm();
      const short = { ...cases[0]!.sig, signatureB64: cases[0]!.sig.signatureB64.slice(0, 40) };
      const answers = await Promise.all([...cases.map((c) => check(c.body, c.sig, pub)), check(cases[0]!.body, short, pub)]);
      expect(answers).toEqual([...cases.map((c) => verifyDetachedNative(c.body, c.sig, pub)), false]);
    } finally {
      await check.close();
    }
  });
});
