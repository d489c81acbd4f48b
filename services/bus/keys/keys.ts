import type { webcrypto } from "node:crypto";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportJWK, generateKeyPair, importJWK } from "jose";
import { z } from "zod";
import { EncPrivateJwk, Jwks, PrivateJwk, PublicJwk, type DirectoryJwk } from "../../../schemas/keys.js";
import { SECRETARIAT_CODE, type OriginCode } from "../../../schemas/protocol.js";
import { generateEncryptionKey, toPublicEncJwk } from "./encryption.js";
import { EncKeyring, saveEncKeyring } from "./keyring.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { readKeyFileJson } from "./key-file.js";
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

/** The file of a member's encryption keyring beside its signing key: `<code>.enc.jwk`. */
export function encKeyringFile(outDir: string, origin: string): string {
  return join(outDir, `${origin}.enc.jwk`);
}

/**
 * Writes `<code>.jwk` (private signing key, mode 0600) for each origin, `<code>.enc.jwk` (its
 * encryption keyring, mode 0600) for each member, and `directory.json` (public JWKS of both).
 * The secretariat gets no encryption key (v1.1 §1b.1: it reads nothing sealed unless addressed).
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
  const targets = [
    ...origins.map((o) => join(outDir, `${o}.jwk`)),
    ...origins.filter((o) => o !== SECRETARIAT_CODE).map((o) => encKeyringFile(outDir, o)),
    join(outDir, DIRECTORY_FILE),
  ];
  const existing = targets.filter((f) => existsSync(f));
  if (existing.length > 0 && !options.force) {
    throw new AllianceError(ErrorCode.KeyExists, `${existing.join(", ")} already exist: replacing them would make every message signed with them unverifiable (unknown-key); keep them, choose another --out, or pass --force to replace them`);
  }
  ensureKeyFolder(outDir);
  const keys: DirectoryJwk[] = [];
  for (const origin of origins) {
    const jwk = await generateMemberKey(origin);
    const file = join(outDir, `${origin}.jwk`);
    // "wx" unless forced: a key that appeared meanwhile is never overwritten.
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600, flag: options.force ? "w" : "wx" });
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
  writeFileSync(join(outDir, DIRECTORY_FILE), `${JSON.stringify(directory, null, 2)}\n`, { flag: options.force ? "w" : "wx" });
  return directory;
}


/**
 * The fields a schema refused, by path (`keys[0].x`), never their values. `withMessages` adds the
 * schemas' own messages (ours, or zod's, which state what was expected, not what was found) but
 * never an unknown member's name: a member name can be a pasted secret too.
 */
function badFields(error: z.ZodError, withMessages = false): string {
  const fields = error.issues.map((i) => {
    const path = i.path.map((p, n) => (typeof p === "number" ? `[${p}]` : `${n > 0 ? "." : ""}${String(p)}`)).join("") || "(root)";
    if (i.code === "unrecognized_keys") return `${path} (${i.keys.length} unknown member(s))`;
    return withMessages ? `${path} (${i.message})` : path;
  });
  return [...new Set(fields)].join(", ");
}

/** Reads a private key file against its schema; ERR_KEY_INVALID names the file and the fields. */
function readPrivateKeyFile<T>(path: string, schema: z.ZodType<T>, what: string): T {
  const json = readKeyFileJson(path, ErrorCode.KeyInvalid, ErrorCode.KeyUnreadable);
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AllianceError(ErrorCode.KeyInvalid, `invalid ${what} in ${path}: bad field(s) ${badFields(parsed.error)}`);
  return parsed.data;
}

/** Loads a private JWK into a Signer; the error names the file and the field, never the key material. */
export async function loadSigner(path: string): Promise<Signer> {
  const jwk = readPrivateKeyFile(path, PrivateJwk, "private JWK");
  try {
    return await signerFromJwk(jwk);
  } catch {
    // The members are well-formed but are not one Ed25519 key pair (d does not give x).
    throw new AllianceError(ErrorCode.KeyInvalid, `invalid private JWK in ${path}: bad field(s) d, x (not one Ed25519 key pair)`);
  }
}

/** Loads a member's private X25519 encryption JWK (protocol v1.1 §1b.1); errors as `loadSigner`'s. */
export function loadEncryptionKey(path: string): EncPrivateJwk {
  return readPrivateKeyFile(path, EncPrivateJwk, "private encryption JWK");
}

export async function signerFromJwk(jwk: PrivateJwk): Promise<Signer> {
  const key = (await importJWK(jwk, "EdDSA")) as webcrypto.CryptoKey;
  const origin = jwk.kid.slice(0, jwk.kid.indexOf(":")) as OriginCode;
  return Object.freeze({ kid: jwk.kid, origin, key });
}

export function loadJwks(path: string): Jwks {
  const parsed = Jwks.safeParse(readKeyFileJson(path, ErrorCode.DirectoryInvalid));
  if (!parsed.success) {
    // Field paths only: a directory that wrongly holds a private key must not print it.
    throw new AllianceError(ErrorCode.DirectoryInvalid, `invalid key directory ${path}: bad field(s) ${badFields(parsed.error, true)}`);
  }
  return parsed.data;
}
