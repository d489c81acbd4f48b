import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MemberBundle, bundleFileName } from "../../schemas/bundle.js";
import type { MemberConfig } from "../../schemas/config.js";
import { PrivateJwk, type Jwks, type PublicJwk } from "../../schemas/keys.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { generateEncryptionKey, toPublicEncJwk } from "../bus/keys/encryption.js";
import { DIRECTORY_FILE, generateMemberKey, toPublicJwk } from "../bus/keys/keys.js";
import { createSeedFile, seedFile } from "./nkeys.js";

/**
 * The member-side key ceremony (`alliance member init`), run at the ministry: its three secrets
 * are made and stay there, and only the public bundle leaves. The host builds everything it runs
 * from bundles (hostCredentials in auth-files.ts, directoryFromBundles, an application).
 */

/** What a ministry's folder holds: three private files (0600) and its public bundle. */
export const MemberFile = {
  signingKey: (code: string) => `${code}.jwk`,
  encryptionKey: (code: string) => `${code}.enc.jwk`,
  seed: (code: string) => `${code}.nk`,
  bundle: bundleFileName,
} as const;

/** Everything in a ministry's key folder but its bundle stays out of version control. */
const FOLDER_GITIGNORE = "# This ministry's private keys: never committed, never sent to the host.\n*\n!.gitignore\n!*.bundle.json\n";

export interface MemberInitOptions {
  readonly code: string;
  readonly out: string;
  readonly country: { readonly en: string; readonly native: string };
  readonly ministry: string;
  readonly lang: MemberConfig["lang"];
  readonly contact: MemberBundle["contact"];
  /** Replace existing private keys (they stop working once the new bundle is installed). */
  readonly force?: boolean;
}

export interface MemberFolder {
  readonly dir: string;
  readonly bundleFile: string;
  readonly bundle: MemberBundle;
  readonly signingKeyFile: string;
  readonly encryptionKeyFile: string;
  readonly seedFile: string;
}

/**
 * Makes a ministry's signing key (Ed25519), broker nkey seed and encryption key (X25519) in
 * `out`, and its public bundle `out/<code>.bundle.json`. Refuses (ERR_KEY_EXISTS) to replace any
 * existing private file unless `force` is set.
 */
export async function initMember(options: MemberInitOptions): Promise<MemberFolder> {
  const dir = resolve(options.out);
  const { code } = options;
  const files = { signing: join(dir, MemberFile.signingKey(code)), encryption: join(dir, MemberFile.encryptionKey(code)), seed: seedFile(dir, code) };
  if (!options.force) {
    const existing = Object.values(files).filter((f) => existsSync(f));
    if (existing.length > 0) throw new AllianceError(ErrorCode.KeyExists, `${existing.join(", ")} exist${existing.length === 1 ? "s" : ""}; pass --force to replace (the old keys stop working)`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, ".gitignore"), FOLDER_GITIGNORE);
  const signing = await generateMemberKey(code);
  const encryption = await generateEncryptionKey(code);
  writePrivate(files.signing, signing);
  writePrivate(files.encryption, encryption);
  const { publicKey } = createSeedFile(dir, code, options.force ?? false);
  const bundle = MemberBundle.parse({
    bundle: 1, code, country: options.country, ministry: options.ministry, lang: options.lang, contact: options.contact,
    signing: toPublicJwk(signing), encryption: toPublicEncJwk(encryption), nkey: publicKey,
  });
  const bundleFile = join(dir, MemberFile.bundle(code));
  writeFileSync(bundleFile, `${JSON.stringify(bundle, null, 2)}\n`, { mode: 0o644 });
  return { dir, bundleFile, bundle, signingKeyFile: files.signing, encryptionKeyFile: files.encryption, seedFile: files.seed };
}

function writePrivate(file: string, jwk: object): void {
  writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Reads and checks one bundle; a bad one names its file and the first problem, nothing else. */
export function readBundle(file: string): MemberBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new AllianceError(ErrorCode.BundleInvalid, `cannot read bundle ${file}: ${(cause as NodeJS.ErrnoException).code ?? "not JSON"}`, { cause });
  }
  if (raw && typeof raw === "object" && ("d" in (((raw as { signing?: object }).signing) ?? {}) || "d" in (((raw as { encryption?: object }).encryption) ?? {}))) {
    throw new AllianceError(ErrorCode.BundleInvalid, `bundle ${file} holds a private key: a bundle carries public keys only; make a new one with alliance member init --force`);
  }
  const parsed = MemberBundle.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AllianceError(ErrorCode.BundleInvalid, `bundle ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Every `*.bundle.json` in `dir`, sorted by code; two bundles for one code are refused. */
export function readBundles(dir: string): MemberBundle[] {
  const files = readdirSync(resolve(dir)).filter((f) => f.endsWith(".bundle.json")).sort();
  const bundles = files.map((f) => readBundle(join(resolve(dir), f)));
  const codes = bundles.map((b) => b.code);
  const twice = codes.find((c, i) => codes.indexOf(c) !== i);
  if (twice) throw new AllianceError(ErrorCode.BundleInvalid, `two bundles in ${dir} for member ${twice}`);
  return bundles;
}

/** The member's entry in config/alliance.json, from its bundle. */
export function memberConfigOf(bundle: MemberBundle): MemberConfig {
  return { code: bundle.code, country: bundle.country, ministry: bundle.ministry, lang: bundle.lang };
}

/**
 * The founding directory from the members' bundles and the secretariat's own public key: signing
 * keys only here (the encryption keys travel in the bundles until the directory carries them).
 */
export function directoryFromBundles(bundles: readonly MemberBundle[], secretariat: PublicJwk): Jwks {
  // Signing and encryption keys side by side (v1.1 §1b.1); the secretariat has no encryption key.
  return { keys: [...bundles.flatMap((b) => [b.signing, b.encryption]), secretariat] };
}

/** The `applicant` and `key` of a `membership-applied` event, from the applicant's bundle. */
export function applicationFromBundle(bundle: MemberBundle): { applicant: { code: string; country: MemberBundle["country"]; ministry: string; lang: MemberBundle["lang"]; contact: MemberBundle["contact"] }; key: PublicJwk; encKey: MemberBundle["encryption"] } {
  return { applicant: { code: bundle.code, country: bundle.country, ministry: bundle.ministry, lang: bundle.lang, contact: bundle.contact }, key: bundle.signing, encKey: bundle.encryption };
}

export interface FoundingDirectory {
  readonly directoryFile: string;
  readonly directory: Jwks;
  /** The secretariat's private key: the host's own (the host runs the secretariat). */
  readonly secretariatKeyFile: string;
  readonly secretariatKeyCreated: boolean;
}

/**
 * The host's keys folder from the members' bundles: the secretariat's signing key (made once,
 * kept after; the only private key the host holds) and the founding directory `directory.json`.
 */
export async function writeFoundingDirectory(out: string, bundles: readonly MemberBundle[], secretariatCode: string): Promise<FoundingDirectory> {
  const dir = resolve(out);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const secretariatKeyFile = join(dir, `${secretariatCode}.jwk`);
  const created = !existsSync(secretariatKeyFile);
  if (created) writePrivate(secretariatKeyFile, await generateMemberKey(secretariatCode));
  const secretariat = toPublicJwk(PrivateJwk.parse(JSON.parse(readFileSync(secretariatKeyFile, "utf8"))));
  const directory = directoryFromBundles(bundles, secretariat);
  const directoryFile = join(dir, DIRECTORY_FILE);
  writeFileSync(directoryFile, `${JSON.stringify(directory, null, 2)}\n`);
  return { directoryFile, directory, secretariatKeyFile, secretariatKeyCreated: created };
}

/**
 * A ministry's folder as `alliance member init` left it, or made now if it has none: how the demo
 * simulates each ministry's own ceremony on one machine (`.data/members/<code>/`).
 */
export async function openOrInitMember(options: Omit<MemberInitOptions, "force">): Promise<MemberFolder> {
  const dir = resolve(options.out);
  const { code } = options;
  const bundleFile = join(dir, MemberFile.bundle(code));
  const files = { signingKeyFile: join(dir, MemberFile.signingKey(code)), encryptionKeyFile: join(dir, MemberFile.encryptionKey(code)), seedFile: seedFile(dir, code) };
  if (existsSync(bundleFile) && Object.values(files).every((f) => existsSync(f))) return { dir, bundleFile, bundle: readBundle(bundleFile), ...files };
  return initMember({ ...options, force: true });
}
