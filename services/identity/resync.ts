import type { Logger } from "../bus/core/logger.js";
import { writeServerAuth, type AuthConfig } from "./auth-files.js";
import { reloadServer, type ReloadTarget } from "./reload.js";

/**
 * Makes nats-server recount the alliance account's JetStream usage without a restart: the
 * accounts config is reloaded once with JetStream disabled for the account and once with it
 * enabled again; re-enabling loads the streams from disk and counts what they hold.
 *
 * Why: nats-server before 2.9.15 (Debian's 2.9.10 among them) does not subtract a purge with a
 * subject filter from the account's usage (nats-io/nats-server#3876, fixed in 2.9.15); the space
 * stays counted and publishes are refused ("resource limits exceeded for account") although the
 * disk is free. Streams, consumers and their positions survive; for the moments between the two
 * reloads JetStream requests fail with "jetstream not enabled", which the publisher and the
 * subscribers retry through (docs/operations.md, "After a flood").
 */
export async function resyncJetStreamUsage({ config, credsDir, server, log }: { config: AuthConfig; credsDir: string; server: ReloadTarget & { httpPort: number }; log?: Logger }): Promise<void> {
  writeServerAuth(config, credsDir, { jetstreamDisabled: true });
  try {
    await reloadServer(server);
    log?.warn({ pid: server.pid }, "JetStream disabled for the alliance account for one reload, to recount its usage");
  } finally {
    writeServerAuth(config, credsDir);
    await reloadServer(server);
  }
  log?.info({ pid: server.pid }, "JetStream enabled again: the account's usage is what its streams hold");
}
