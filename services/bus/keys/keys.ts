import type { webcrypto } from "node:crypto";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK } from "jose";
import { z } from "zod";
import { Jwks, PrivateJwk, PublicJwk } from "../../../schemas/keys.js";
import type { OriginCode } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { ensureKeyFolder } from "./key-folder.js";

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

/**
 * Writes `<code>.jwk` (private, mode 0600) for each origin and `directory.json` (public JWKS).
 * Returns the directory written.
 */
export interface InitKeysOptions {
  /** Replace existing private keys and directory.json: every message signed with the old keys becomes `unknown-key`. */
  readonly force?: boolean;
}

/**
 * A key pair per origin in `outDir` (`<code>.jwk`, 0600) and the public `directory.json`. Existing
 * keys are never replaced without `force`: ERR_KEY_EXISTS names them. The folder gets a
 * `.gitignore` holding `*`.
 */
export async function initKeys(outDir: string, origins: readonly OriginCode[], options: InitKeysOptions = {}): Promise<Jwks> {
  const targets = [...origins.map((o) => join(outDir, `${o}.jwk`)), join(outDir, DIRECTORY_FILE)];
  const existing = targets.filter((f) => existsSync(f));
  if (existing.length > 0 && !options.force) {
    throw new AllianceError(ErrorCode.KeyExists, `${existing.join(", ")} already exist: replacing them would make every message signed with them unverifiable (unknown-key); keep them, choose another --out, or pass --force to replace them`);
  }
  ensureKeyFolder(outDir);
  const keys: PublicJwk[] = [];
  for (const origin of origins) {
    const jwk = await generateMemberKey(origin);
    const file = join(outDir, `${origin}.jwk`);
    // "wx" unless forced: a key that appeared meanwhile is never overwritten.
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: options.force ? "w" : "wx" });
    chmodSync(file, 0o600); // an existing file keeps its old mode through writeFileSync
    keys.push(toPublicJwk(jwk));
  }
  const directory: Jwks = { keys };
  writeFileSync(join(outDir, DIRECTORY_FILE), `${JSON.stringify(directory, null, 2)}\n`, { flag: options.force ? "w" : "wx" });
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
