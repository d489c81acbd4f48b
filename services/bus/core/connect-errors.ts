import { errors } from "@nats-io/transport-node";
import { AllianceError, ErrorCode } from "./errors.js";

/** Node's codes for a certificate that does not verify (unknown CA, wrong name, expired…). */
const TLS_VERIFY_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "UNABLE_TO_GET_ISSUER_CERT", "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_SIGNATURE_FAILURE",
]);

/**
 * Turns a failed connect into an error that says why the server refused it, with a stable code:
 * bad or missing credentials, a certificate that does not verify, TLS required but not set up,
 * or TLS asked of a server that has none. Anything else stays ERR_CONNECT_FAILED.
 */
export function connectFailure(cause: unknown, servers: string | string[], tls: { certFile?: string; cert?: string } | null | undefined): AllianceError {
  const where = String(servers);
  const tlsConfigured = Boolean(tls);
  const err = cause as Error & { code?: string };
  const message = err?.message ?? String(cause);
  if (cause instanceof errors.AuthorizationError || /authorization violation/i.test(message)) {
    return new AllianceError(ErrorCode.ConnectAuth, `${where} refused the connection: authorization violation (no credentials, unknown credentials, or a seed that does not match; set NATS_CREDS to this identity's seed file)`, { cause });
  }
  if ((err?.code && TLS_VERIFY_CODES.has(err.code)) || /certificate|self[- ]signed/i.test(message)) {
    const why = `${message}${err?.code ? ` (${err.code})` : ""}`;
    return tlsConfigured
      ? new AllianceError(ErrorCode.ConnectTlsVerify, `${where}: TLS verification failed: ${why}; the server's certificate does not chain to the CA in NATS_CA, or does not name this host`, { cause })
      : new AllianceError(ErrorCode.ConnectTlsRequired, `${where} requires TLS and its certificate is not from a CA this client trusts: set NATS_CA to the alliance CA (${why})`, { cause });
  }
  if (/tls required|secure connection/i.test(message)) {
    return new AllianceError(ErrorCode.ConnectTlsRequired, `${where} requires TLS: set NATS_CA to the alliance CA (${message})`, { cause });
  }
  if (/does not support 'tls'|tls.*not available/i.test(message)) {
    return new AllianceError(ErrorCode.ConnectTlsRequired, `${where} does not offer TLS, and this client requires it (NATS_CA is set): ${message}`, { cause });
  }
  // A server that requires client certificates closes the connection after the handshake, and
  // the client only sees a timeout.
  const hint = tlsConfigured && !tls?.certFile && !tls?.cert && /timeout/i.test(message)
    ? " (if the server requires client certificates, set NATS_CERT and NATS_KEY)" : "";
  return new AllianceError(ErrorCode.ConnectFailed, `cannot connect to ${where}: ${message}${hint}`, { cause });
}
