import type { webcrypto } from "node:crypto";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK } from "jose";
import { z } from "zod";
import { Jwks, PrivateJwk, PublicJwk, type DirectoryJwk } from "../../../schemas/keys.js";
import { SECRETARIAT_CODE, type OriginCode } from "../../../schemas/protocol.js";
import { generateEncryptionKey, toPublicEncJwk } from "./encryption.js";
import { EncKeyring, saveEncKeyring } from "./keyring.js";
import { AllianceError, ErrorCode } from "../core/errors.js";

/** What a publisher signs with. `key` never reaches a log: only `kid` is ever printed. */
export interface Signer {
  readonly kid: string;
  readonly origin: OriginCode;
  readonly key: webcrypto.CryptoKey;
}

export const DIRECTORY_FILE = "directory.json";

/** A fresh key id: the month it was made and a random suffix, so rotations never collide. */
export function newKeyId(now = new Date()): string {
  return `${now.toISOString().slice(0, 7)}-${randomBytes(3).toString("hex")}`;
}

export async function generateMemberKey(origin: OriginCode, keyId = newKeyId()): Promise<PrivateJwk> {
  const { privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(privateKey);
  return PrivateJwk.parse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d, kid: `${origin}:${keyId}`, alg: "EdDSA", use: "sig" });
}

export function toPublicJwk(jwk: PrivateJwk): PublicJwk {
  const { d: _private, ...pub } = jwk;
  return PublicJwk.parse(pub);
}

/** The file of a member's encryption keyring beside its signing key: `<code>.enc.jwk`. */
export function encKeyringFile(outDir: string, origin: string): string {
  return join(outDir, `${origin}.enc.jwk`);
}

/**
 * Writes `<code>.jwk` (private signing key, mode 0600) for each origin, `<code>.enc.jwk` (its
 * encryption keyring, mode 0600) for each member, and `directory.json` (public JWKS of both).
 * The secretariat gets no encryption key (v1.1 §1b.1: it reads nothing sealed unless addressed).
 */
export async function initKeys(outDir: string, origins: readonly OriginCode[]): Promise<Jwks> {
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const keys: DirectoryJwk[] = [];
  for (const origin of origins) {
    const jwk = await generateMemberKey(origin);
    const file = join(outDir, `${origin}.jwk`);
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // an existing file keeps its old mode through writeFileSync
    keys.push(toPublicJwk(jwk));
  }
  for (const origin of origins) {
    if (origin === SECRETARIAT_CODE) continue;
    const enc = await generateEncryptionKey(origin);
    saveEncKeyring(encKeyringFile(outDir, origin), new EncKeyring([enc]));
    keys.push(toPublicEncJwk(enc));
  }
  const directory: Jwks = { keys };
  writeFileSync(join(outDir, DIRECTORY_FILE), `${JSON.stringify(directory, null, 2)}\n`);
  return directory;
}

function readJson(path: string, code: ErrorCode): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new AllianceError(code, `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
}

/** Loads a private JWK into a Signer; the error names the file, never the key material. */
export async function loadSigner(path: string): Promise<Signer> {
  const parsed = PrivateJwk.safeParse(readJson(path, ErrorCode.KeyUnreadable));
  if (!parsed.success) {
    // prettifyError would echo input values; a private key file's values must not be printed.
    const fields = parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    throw new AllianceError(ErrorCode.KeyInvalid, `invalid private JWK in ${path}: bad field(s) ${fields}`);
  }
  return signerFromJwk(parsed.data);
}

export async function signerFromJwk(jwk: PrivateJwk): Promise<Signer> {
  const key = (await importJWK(jwk, "EdDSA")) as webcrypto.CryptoKey;
  const origin = jwk.kid.slice(0, jwk.kid.indexOf(":")) as OriginCode;
  return Object.freeze({ kid: jwk.kid, origin, key });
}

export function loadJwks(path: string): Jwks {
  const parsed = Jwks.safeParse(readJson(path, ErrorCode.DirectoryInvalid));
  if (!parsed.success) {
    throw new AllianceError(ErrorCode.DirectoryInvalid, `invalid key directory ${path}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
