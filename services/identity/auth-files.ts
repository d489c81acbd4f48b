import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { MemberBundle } from "../../schemas/bundle.js";
import { join, resolve } from "node:path";
import type { AllianceConfig, Quotas } from "../../schemas/config.js";
import { IdentityKind, listIdentities } from "./identities.js";
import { ensureIdentityKeys, seedFile, writePublicKeyFile, type IdentityKey } from "./nkeys.js";
import { generatePermissions } from "./permissions.js";
import { renderAccounts } from "./server-config.js";

/** The server-side file `creds init` writes beside the seeds: public nkeys and permissions. */
export const ACCOUNTS_FILE = "accounts.conf";

export interface ServerAuth {
  readonly dir: string;
  readonly keys: readonly IdentityKey[];
  /** The `accounts {}` configuration to include in nats-server's config. */
  readonly accountsFile: string;
}

/**
 * Makes a seed for every identity the config implies that has none yet, and (re)writes the
 * server's accounts configuration from the config: run it again after the config changes, then
 * reload the server (reload.ts). The file is replaced atomically, so a server reloading meanwhile
 * reads the old or the new file, never half of one.
 */
export type AuthConfig = Pick<AllianceConfig, "members" | "access"> & { readonly quotas?: Quotas };

export interface ServerAuthOptions {
  /**
   * The members' public bundles: their public nkeys are installed (`<code>.pub`) and no member seed
   * is made or kept on the host; a member of the config without a bundle is an error.
   */
  readonly bundles?: readonly MemberBundle[];
  /** Write the alliance account with JetStream disabled (resync.ts: one step of recounting usage). */
  readonly jetstreamDisabled?: boolean;
}

export function writeServerAuth(config: AuthConfig, dir: string, options: ServerAuthOptions = {}): ServerAuth {
  if (options.bundles) installBundleKeys(dir, options.bundles);
  const seedless = options.bundles ? (identity: { kind: string }) => identity.kind === IdentityKind.Member : undefined;
  const keys = ensureIdentityKeys(dir, listIdentities(config), seedless ? { seedless } : {});
  const byName = new Map(keys.map((k) => [k.identity.name, k.publicKey]));
  const users = generatePermissions(config).map((entry) => ({ ...entry, publicKey: byName.get(entry.identity.name)! }));
  const accountsFile = join(resolve(dir), ACCOUNTS_FILE);
  const temp = `${accountsFile}.${process.pid}.tmp`;
  writeFileSync(temp, renderAccounts(users, config.quotas, { jetstreamDisabled: options.jetstreamDisabled === true }), { mode: 0o644 });
  renameSync(temp, accountsFile);
  return { dir: resolve(dir), keys, accountsFile };
}

/**
 * Installs each bundle's public nkey as `<code>.pub`. A seed the host held for that member (from a
 * development set-up) is deleted: the member's own key replaces it, and the host keeps none.
 */
export function installBundleKeys(dir: string, bundles: readonly MemberBundle[]): void {
  for (const bundle of bundles) {
    writePublicKeyFile(dir, bundle.code, bundle.nkey);
    const stale = seedFile(dir, bundle.code);
    if (existsSync(stale)) rmSync(stale);
  }
}
