import { readFileSync } from "node:fs";
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions } from "@nats-io/transport-node";
import { fromSeed } from "@nats-io/nkeys";
import { AllianceError, ErrorCode } from "./errors.js";

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

/** The inbox prefix of an identity (`_INBOX_<name>`): the only inbox its permissions let it read (docs/security.md). */
export function inboxPrefixOf(name: string): string {
  return `_INBOX_${name}`;
}

/** The identity a seed file is named after (`.../fr.nk` is `fr`), if it follows the convention. */
export function identityOfCredsFile(path: string): string | undefined {
  return /(?:^|[\\/])([a-z][a-z0-9_-]{0,31})\.nk$/.exec(path)?.[1];
}

/**
 * Client options for `openBus({ connectOptions })`: the authenticator, TLS verified against the
 * alliance CA, and the identity's own inbox prefix. The SDK's `connect` and the CLI both build
 * their options here, so they connect the same way.
 */
export function clientConnectOptions(security: ClientSecurity): Partial<ConnectionOptions> {
  const options: Partial<ConnectionOptions> = {};
  if (security.credsFile) {
    const file = security.credsFile;
    const text = readCredsText(file);
    options.authenticator = text.includes("BEGIN NATS USER JWT") ? credsAuthenticator(new TextEncoder().encode(text)) : nkeyAuthenticator(readUserSeed(file, text));
    const identity = security.identity ?? identityOfCredsFile(file);
    if (identity) options.inboxPrefix = inboxPrefixOf(identity);
  } else if (security.identity) {
    options.inboxPrefix = inboxPrefixOf(security.identity);
  }
  if (security.caFile || security.certFile || security.keyFile) {
    if (Boolean(security.certFile) !== Boolean(security.keyFile)) {
      throw new AllianceError(ErrorCode.UsageInvalid, "a client certificate needs its key, and a key its certificate (NATS_CERT and NATS_KEY)");
    }
    for (const [what, file] of [["CA", security.caFile], ["certificate", security.certFile], ["key", security.keyFile]] as const) {
      if (file) readable(file, what);
    }
    options.tls = {
      ...(security.caFile ? { caFile: security.caFile } : {}),
      ...(security.certFile && security.keyFile ? { certFile: security.certFile, keyFile: security.keyFile } : {}),
    };
  }
  return options;
}

function readable(file: string, what: string): void {
  try {
    readFileSync(file);
  } catch (cause) {
    throw new AllianceError(ErrorCode.CredsUnreadable, `cannot read the TLS ${what} ${file}: ${(cause as NodeJS.ErrnoException).code ?? "unreadable"}`, { cause });
  }
}

function readCredsText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (cause) {
    throw new AllianceError(ErrorCode.CredsUnreadable, `cannot read credentials ${file}: ${(cause as NodeJS.ErrnoException).code ?? "unreadable"}`, { cause });
  }
}

/** A user nkey seed (`SU…`); a malformed one names the file, never its content. */
function readUserSeed(file: string, raw: string): Uint8Array {
  const text = raw.trim();
  if (!text.startsWith("SU")) throw new AllianceError(ErrorCode.CredsInvalid, `credentials ${file} do not hold a NATS user nkey seed (SU…)`);
  const seed = new TextEncoder().encode(text);
  try {
    fromSeed(seed);
  } catch {
    throw new AllianceError(ErrorCode.CredsInvalid, `credentials ${file} hold a malformed nkey seed`);
  }
  return seed;
}
