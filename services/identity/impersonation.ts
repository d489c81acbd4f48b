import type { JetStreamClient } from "../bus/core/nats-types.js";
import { newHeaders } from "../bus/publish/raw.js";
import { Header } from "../bus/wire/headers.js";
import type { SignedMessage } from "../bus/wire/sign.js";
import { permissionViolation } from "./violations.js";

/**
 * Publishes a message, signed by someone else, on its own subject (another member's code) with
 * the credentials at hand: what a member trying to pass as another would do. True when the broker
 * refused it as a permissions violation; false when it was stored. For the demo and for tests.
 */
export async function launchImpersonation(js: JetStreamClient, message: Pick<SignedMessage, "subject" | "body" | "signature">): Promise<boolean> {
  const h = newHeaders();
  const msgID = crypto.randomUUID();
  h.set(Header.MsgId, msgID);
  h.set(Header.Signature, message.signature);
  try {
    await js.publish(message.subject, message.body, { headers: h, msgID, timeout: 5_000 });
    return false;
  } catch (err) {
    if (permissionViolation(err)) return true;
    throw err;
  }
}
