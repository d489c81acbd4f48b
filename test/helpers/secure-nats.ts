import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionOptions } from "@nats-io/transport-node";
import type { AllianceConfig } from "../../schemas/config.js";
import { openBus, type Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { provisionStreams } from "../../services/bus/admin/streams.js";
import { ADMIN_IDENTITY } from "../../services/identity/identities.js";
import { prepareLocalSecurity, type LocalSecurity } from "../../services/identity/local-security.js";
import { provisionAccess } from "../../services/identity/provision.js";
import { configFileOf, startNatsServer, type RunningNatsServer } from "../../services/natsd/server.js";
import { testLog } from "./nats.js";

export interface SecureTestServer extends AsyncDisposable {
  readonly server: RunningNatsServer;
  readonly url: string;
  readonly dir: string;
  readonly security: LocalSecurity;
  readonly config: Readonly<AllianceConfig>;
  /** A bus connected as `identity`, with its credentials, the CA and its inbox prefix. */
  open(identity: string, overrides?: Partial<ConnectionOptions>): Promise<Bus>;
  stop(): Promise<void>;
}

/**
 * A nats-server of the test's own with security on, as `npm start` runs it: the accounts and
 * permissions generated from `config`, TLS from a fresh local CA (optionally mutual). The streams,
 * the processed-id bucket and the declared consumers are provisioned by the administrator.
 */
export async function startSecureTestServer(options: { config?: Readonly<AllianceConfig>; mutualTls?: boolean; provision?: boolean } = {}): Promise<SecureTestServer> {
  const config = options.config ?? loadConfig();
  const dir = mkdtempSync(join(tmpdir(), "alliance-secure-"));
  const security = prepareLocalSecurity({ config, dir: join(dir, "security"), ...(options.mutualTls ? { mutualTls: true } : {}) });
  const natsDir = join(dir, "nats");
  const server = await startNatsServer({ dir: natsDir, extraConfig: security.serverConfig(configFileOf(natsDir)), quotas: config.quotas });
  const open = (identity: string, overrides: Partial<ConnectionOptions> = {}) =>
    openBus({ servers: server.url, name: `test-${identity}`, config, log: testLog, connectOptions: { ...security.clientOptions(identity), maxReconnectAttempts: 0, ...overrides } });
  if (options.provision !== false) {
    const admin = await open(ADMIN_IDENTITY);
    try {
      await provisionStreams(admin.jsm, config.bounds, testLog, config.quotas);
      await provisionAccess(admin, config, testLog);
    } finally {
      await admin.close();
    }
  }
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { server, url: server.url, dir, security, config, open, stop, [Symbol.asyncDispose]: stop };
}
