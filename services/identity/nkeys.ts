import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createUserNkey, publicKeyOfNkeySeed } from "../bus/admin/nkeys.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Identity } from "./identities.js";

/** The seed file of an identity: the nkey seed (`SU…`), mode 0600, nothing else. */
export function seedFile(dir: string, name: string): string {
  return join(resolve(dir), `${name}.nk`);
}

/**
 * The public nkey of an identity whose seed is not here (`<name>.pub`, `U…`): a member that made
 * its own seed at its ministry and handed the host only its bundle (services/identity/bundles.ts).
 */
export function publicKeyFile(dir: string, name: string): string {
  return join(resolve(dir), `${name}.pub`);
}

export interface IdentityKey {
  readonly identity: Identity;
  /** Undefined when the host holds only the public key (`<name>.pub`): the seed is the member's. */
  readonly seedFile?: string;
  /** The public nkey (`U…`): the only part the server config holds. */
  readonly publicKey: string;
  /** True when this call made the seed; false when an existing one was kept. */
  readonly created: boolean;
}

/**
 * An Ed25519 nkey for each identity, in `dir/<name>.nk`. Existing seeds are kept, so adding a
 * member makes one new seed and leaves every other identity's credentials as they were.
 */
export function ensureIdentityKeys(dir: string, identities: readonly Identity[], options: { readonly seedless?: (identity: Identity) => boolean } = {}): IdentityKey[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return identities.map((identity) => {
    const pub = publicKeyFile(dir, identity.name);
    // A public key handed over in a bundle wins: the host must not hold that identity's seed.
    if (existsSync(pub)) return { identity, publicKey: readPublicKey(pub), created: false };
    const file = seedFile(dir, identity.name);
    if (existsSync(file)) return { identity, seedFile: file, publicKey: publicKeyOfSeed(readSeed(file)), created: false };
    if (options.seedless?.(identity)) {
      throw new AllianceError(ErrorCode.BundleInvalid, `no public key for ${identity.name} in ${dir}: add its bundle (alliance creds init --bundles DIR); the host makes no member seeds`);
    }
    const created = createSeedFile(dir, identity.name);
    return { identity, seedFile: created.seedFile, publicKey: created.publicKey, created: true };
  });
}

/**
 * A new nkey seed in `dir/<name>.nk` (mode 0600). An existing seed is never replaced unless
 * `force` is set: a lost seed cannot be recovered, and a replaced one locks its owner out.
 */
export function createSeedFile(dir: string, name: string, force = false): { seedFile: string; publicKey: string } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = seedFile(dir, name);
  if (existsSync(file)) {
    if (!force) throw new AllianceError(ErrorCode.KeyExists, `${file} exists; pass --force to replace it (the old seed stops working at the next server config)`);
    rmSync(file);
  }
  const user = createUserNkey();
  // "wx": never overwrite a seed that appeared meanwhile (two generators racing).
  writeFileSync(file, `${new TextDecoder().decode(user.seed)}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { seedFile: file, publicKey: user.publicKey };
}

/** Writes `dir/<name>.pub`: the identity's public nkey, the only part of it the host keeps. */
export function writePublicKeyFile(dir: string, name: string, publicKey: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = publicKeyFile(dir, name);
  writeFileSync(file, `${publicKey}\n`, { mode: 0o644 });
  return file;
}

function readPublicKey(file: string): string {
  const text = readFileSync(file, "utf8").trim();
  if (!/^U[A-Z2-7]{55}$/.test(text)) throw new AllianceError(ErrorCode.CredsInvalid, `${file} does not hold a NATS user public nkey (U…)`);
  return text;
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
