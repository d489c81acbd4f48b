import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";
import { AllianceError, ErrorCode } from "./errors.js";

/**
 * Profiles, as `nats context` keeps them: per identity, the server and the paths of its
 * credentials, CA, client certificate and key, signing key, founding directory and config.
 * Paths only, never the secrets themselves; the files are still mode 0600 (they say where the
 * secrets are).
 */
export const Profile = z.strictObject({
  server: z.string().min(1).optional(),
  creds: z.string().min(1).optional(),
  ca: z.string().min(1).optional(),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  signingKey: z.string().min(1).optional(),
  directory: z.string().min(1).optional(),
  config: z.string().min(1).optional(),
});
export type Profile = z.infer<typeof Profile>;

export const ProfileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "letters, digits, '.', '-' and '_' (at most 64)");
const PATH_FIELDS = ["creds", "ca", "cert", "key", "signingKey", "directory", "config"] as const;
const SELECTED_FILE = "context.txt";

/** Where profiles live: `$ALLIANCE_HOME`, else `~/.config/alliance`. */
export function allianceHome(env: { ALLIANCE_HOME?: string | undefined } = process.env): string {
  return resolve(env.ALLIANCE_HOME ?? join(homedir(), ".config", "alliance"));
}

function profileFile(home: string, name: string): string {
  const parsed = ProfileName.safeParse(name);
  if (!parsed.success) throw new AllianceError(ErrorCode.UsageInvalid, `context name ${JSON.stringify(name)}: ${parsed.error.issues[0]!.message}`);
  return join(home, "contexts", `${name}.json`);
}

/** Saves a profile (paths made absolute, so it works from any directory), mode 0600. */
export function saveProfile(home: string, name: string, profile: Profile): Profile {
  const file = profileFile(home, name);
  const absolute: Profile = { ...profile };
  for (const field of PATH_FIELDS) if (absolute[field]) absolute[field] = resolve(absolute[field]);
  mkdirSync(join(home, "contexts"), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(Profile.parse(absolute), null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return absolute;
}

export function loadProfile(home: string, name: string): Profile {
  const file = profileFile(home, name);
  if (!existsSync(file)) throw new AllianceError(ErrorCode.ContextUnknown, `no context ${JSON.stringify(name)} in ${join(home, "contexts")} (alliance context ls; alliance context add ${name} ...)`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new AllianceError(ErrorCode.ConfigUnreadable, `cannot read context ${file}: ${(cause as Error).message}`, { cause });
  }
  const parsed = Profile.safeParse(raw);
  if (!parsed.success) throw new AllianceError(ErrorCode.ConfigInvalid, `invalid context ${file}:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function listProfiles(home: string): string[] {
  const dir = join(home, "contexts");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)).sort();
}

export function removeProfile(home: string, name: string): void {
  const file = profileFile(home, name);
  if (!existsSync(file)) throw new AllianceError(ErrorCode.ContextUnknown, `no context ${JSON.stringify(name)}`);
  rmSync(file);
  if (selectedProfile(home) === name) rmSync(join(home, SELECTED_FILE), { force: true });
}

/** `alliance context use NAME`: the profile commands use when none is named. */
export function selectProfile(home: string, name: string): void {
  loadProfile(home, name);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeFileSync(join(home, SELECTED_FILE), `${name}\n`, { mode: 0o600 });
}

export function selectedProfile(home: string): string | undefined {
  const file = join(home, SELECTED_FILE);
  if (!existsSync(file)) return undefined;
  const name = readFileSync(file, "utf8").trim();
  return name || undefined;
}
