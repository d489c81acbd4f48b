import { readFileSync } from "node:fs";
import { credsFileAuthenticator, nkeySeedAuthenticator } from "../bus/core/authenticators.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import type { ConnectionOptions } from "../bus/core/nats-types.js";
import { identityOfSeedFile, inboxPrefix } from "./identities.js";
import { readSeed } from "./nkeys.js";

/** How a client proves who it is and checks whom it talks to; every field optional. */
export interface ClientSecurity {
  /** An nkey seed file (`<name>.nk`) or a NATS `.creds` file (JWT + seed). */
  readonly credsFile?: string;
  /** The CA the server's certificate must chain to; setting it makes the client require TLS. */
  readonly caFile?: string;
  /** The client's own certificate and key, for servers that require mutual TLS. */
  readonly certFile?: string;
  readonly keyFile?: string;
  /** The identity's name, for its inbox prefix; by default taken from `<name>.nk`. */
  readonly identity?: string;
}

/**
 * Client options for `openBus({ connectOptions })`: the authenticator, TLS verified against the
 * alliance CA, and the identity's own inbox prefix (the only inbox its permissions let it read).
 */
export function clientConnectOptions(security: ClientSecurity): Partial<ConnectionOptions> {
  const options: Partial<ConnectionOptions> = {};
  if (security.credsFile) {
    const file = security.credsFile;
    const text = readCredsText(file);
    if (text.includes("BEGIN NATS USER JWT")) {
      options.authenticator = credsFileAuthenticator(new TextEncoder().encode(text));
    } else {
      const seed = readSeed(file);
      options.authenticator = nkeySeedAuthenticator(seed);
    }
    const identity = security.identity ?? identityOfSeedFile(file);
    if (identity) options.inboxPrefix = inboxPrefix(identity);
  } else if (security.identity) {
    options.inboxPrefix = inboxPrefix(security.identity);
  }
  if (security.caFile || security.certFile) {
    if (Boolean(security.certFile) !== Boolean(security.keyFile)) {
      throw new AllianceError(ErrorCode.UsageInvalid, "a client certificate needs its key, and a key its certificate (NATS_CERT and NATS_KEY)");
    }
    options.tls = {
      ...(security.caFile ? { caFile: security.caFile } : {}),
      ...(security.certFile && security.keyFile ? { certFile: security.certFile, keyFile: security.keyFile } : {}),
    };
  }
  return options;
}

function readCredsText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (cause) {
    throw new AllianceError(ErrorCode.CredsUnreadable, `cannot read credentials ${file}: ${(cause as NodeJS.ErrnoException).code ?? "unreadable"}`, { cause });
  }
}
