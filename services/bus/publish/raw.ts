import { headers, type MsgHdrs } from "@nats-io/transport-node";

/**
 * A set of message headers to fill in, for publishing as a raw client would (the demo's attacks,
 * impersonation attempts): no signing, no checks.
 */
export function newHeaders(): MsgHdrs {
  return headers();
}
