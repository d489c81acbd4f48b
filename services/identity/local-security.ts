import { dirname, join, relative, resolve } from "node:path";
import type { MemberBundle } from "../../schemas/bundle.js";
import type { AllianceConfig } from "../../schemas/config.js";
import type { ConnectionOptions } from "../bus/core/nats-types.js";
import { writeServerAuth, type ServerAuth } from "./auth-files.js";
import { ensureCertificates, type CertificateSet } from "./certs.js";
import { clientConnectOptions } from "./connect-options.js";
import { seedFile } from "./nkeys.js";
import { renderClientTls, renderInclude } from "./server-config.js";

export interface LocalSecurity {
  readonly auth: ServerAuth;
  readonly certs: CertificateSet;
  readonly mutualTls: boolean;
  /** Config text for a server whose config file is `serverConfigFile`: the accounts include and TLS. */
  serverConfig(serverConfigFile: string): string;
  /** Client options for one identity: its nkey, the CA, its inbox prefix (and client cert with mTLS). */
  clientOptions(name: string): Partial<ConnectionOptions>;
}

export interface LocalSecurityOptions {
  readonly config: Pick<AllianceConfig, "members" | "access"> & { readonly quotas?: AllianceConfig["quotas"] };
  /** The members' public bundles: the host then holds no member seed (services/identity/bundles.ts). */
  readonly bundles?: readonly MemberBundle[];
  /** Where a member's own seed is, for clients run on this machine (the demo's simulated ministries). */
  readonly memberSeedFile?: (code: string) => string | undefined;
  /** Seeds and accounts.conf go in `<dir>/creds`, certificates in `<dir>/certs`. */
  readonly dir: string;
  /** Require client certificates too (one per identity is made). */
  readonly mutualTls?: boolean;
}

/**
 * Everything a local (demo or test) nats-server needs to run with authentication and TLS on:
 * credentials and the accounts config generated from the alliance config, a local CA and server
 * certificate. Existing files are kept, so a second run reuses the same identities.
 */
export function prepareLocalSecurity({ config, dir, mutualTls = false, bundles, memberSeedFile }: LocalSecurityOptions): LocalSecurity {
  const credsDir = join(resolve(dir), "creds");
  const auth = writeServerAuth(config, credsDir, bundles ? { bundles } : {});
  const names = auth.keys.map((k) => k.identity.name);
  const certs = ensureCertificates(join(resolve(dir), "certs"), mutualTls ? { clients: names } : {});
  return {
    auth,
    certs,
    mutualTls,
    serverConfig(serverConfigFile) {
      const include = relative(dirname(resolve(serverConfigFile)), auth.accountsFile);
      return `${renderInclude(include)}${renderClientTls({ certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile, verify: mutualTls })}`;
    },
    clientOptions(name) {
      const client = certs.clients[name];
      return clientConnectOptions({ credsFile: memberSeedFile?.(name) ?? seedFile(credsDir, name), caFile: certs.caFile, identity: name, ...(client ? { certFile: client.certFile, keyFile: client.keyFile } : {}) });
    },
  };
}
