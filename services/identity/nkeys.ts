import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createUserNkey, publicKeyOfNkeySeed } from "../bus/admin/nkeys.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Identity } from "./identities.js";

/** The seed file of an identity: the nkey seed (`SU…`), mode 0600, nothing else. */
export function seedFile(dir: string, name: string): string {
  return join(resolve(dir), `${name}.nk`);
}

export interface IdentityKey {
  readonly identity: Identity;
  readonly seedFile: string;
  /** The public nkey (`U…`): the only part the server config holds. */
  readonly publicKey: string;
  /** True when this call made the seed; false when an existing one was kept. */
  readonly created: boolean;
}

/**
 * An Ed25519 nkey for each identity, in `dir/<name>.nk`. Existing seeds are kept, so adding a
 * member makes one new seed and leaves every other identity's credentials as they were.
 */
export function ensureIdentityKeys(dir: string, identities: readonly Identity[]): IdentityKey[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return identities.map((identity) => {
    const file = seedFile(dir, identity.name);
    if (existsSync(file)) return { identity, seedFile: file, publicKey: publicKeyOfSeed(readSeed(file)), created: false };
    const user = createUserNkey();
    // "wx": never overwrite a seed that appeared meanwhile (two generators racing).
    writeFileSync(file, `${new TextDecoder().decode(user.seed)}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    return { identity, seedFile: file, publicKey: user.publicKey, created: true };
  });
}

/** Reads a user seed file; a missing or malformed file names the file, never its content. */
export function readSeed(file: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (cause) {
    throw new AllianceError(ErrorCode.CredsUnreadable, `cannot read credentials ${file}: ${(cause as NodeJS.ErrnoException).code ?? "unreadable"}`, { cause });
  }
  const seed = new TextEncoder().encode(text);
  if (!text.startsWith("SU")) throw new AllianceError(ErrorCode.CredsInvalid, `credentials ${file} do not hold a NATS user nkey seed (SU…)`);
  try {
    publicKeyOfSeed(seed);
  } catch {
    throw new AllianceError(ErrorCode.CredsInvalid, `credentials ${file} hold a malformed nkey seed`);
  }
  return seed;
}

export function publicKeyOfSeed(seed: Uint8Array): string {
  return publicKeyOfNkeySeed(seed);
}
