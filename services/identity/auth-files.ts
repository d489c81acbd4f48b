import { renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AllianceConfig } from "../../schemas/config.js";
import { listIdentities } from "./identities.js";
import { ensureIdentityKeys, type IdentityKey } from "./nkeys.js";
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
export function writeServerAuth(config: Pick<AllianceConfig, "members" | "access">, dir: string): ServerAuth {
  const keys = ensureIdentityKeys(dir, listIdentities(config));
  const byName = new Map(keys.map((k) => [k.identity.name, k.publicKey]));
  const users = generatePermissions(config).map((entry) => ({ ...entry, publicKey: byName.get(entry.identity.name)! }));
  const accountsFile = join(resolve(dir), ACCOUNTS_FILE);
  const temp = `${accountsFile}.${process.pid}.tmp`;
  writeFileSync(temp, renderAccounts(users), { mode: 0o644 });
  renameSync(temp, accountsFile);
  return { dir: resolve(dir), keys, accountsFile };
}
