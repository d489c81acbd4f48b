import { credsAuthenticator, nkeyAuthenticator, type Authenticator } from "@nats-io/transport-node";

/** How a client proves its identity with a NATS `.creds` file's text (JWT and seed). */
export function credsFileAuthenticator(creds: Uint8Array): Authenticator {
  return credsAuthenticator(creds);
}

/** How a client proves its identity with a bare user nkey seed (`SU…`). */
export function nkeySeedAuthenticator(seed: Uint8Array): Authenticator {
  return nkeyAuthenticator(seed);
}
