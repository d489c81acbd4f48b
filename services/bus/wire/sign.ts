import { randomUUID } from "node:crypto";
import type { Bounds } from "../../../schemas/config.js";
import type { AllianceEvent } from "../../../schemas/envelope.js";
import { eventType, type Channel, type Handling, type Lang, type OriginCode, type Tlp } from "../../../schemas/protocol.js";
import { parseEvent } from "../../../schemas/registry.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { signDetachedNative } from "./jws.js";
import type { Signer } from "../keys/keys.js";
import { eventSubject } from "./subjects.js";

/** What a publisher supplies; the envelope's other attributes are filled in here. */
export interface OutgoingEvent {
  readonly channel: Channel;
  readonly kind: string;
  readonly data: unknown;
  readonly tlp: Tlp;
  readonly lang: Lang;
  readonly expires?: string;
  readonly recipients?: readonly OriginCode[];
  /** v1.1 §1b.3: handling code, and the `<origin>:<id>` of the event this one passes on. */
  readonly handling?: Handling;
  readonly derivedfrom?: string;
  /** Set only to re-send a message under its original id; a new message gets a random UUID v4. */
  readonly id?: string;
  readonly time?: Date;
}

/** A message ready for the wire: exact body bytes, their detached signature, and where it goes. */
export interface SignedMessage {
  readonly id: string;
  readonly subject: string;
  readonly body: Uint8Array;
  readonly signature: string;
  readonly event: AllianceEvent;
}

const encoder = new TextEncoder();

/** Builds the CloudEvents envelope, validates it against its schema, serialises and signs it. */
export async function signEvent(signer: Signer, input: OutgoingEvent, bounds: Pick<Bounds, "maxBodyBytes">): Promise<SignedMessage> {
  const envelope = {
    specversion: "1.0",
    id: input.id ?? randomUUID(),
    source: signer.origin,
    type: eventType(input.channel, input.kind),
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: "application/json",
    tlp: input.tlp,
    lang: input.lang,
    ...(input.expires ? { expires: input.expires } : {}),
    ...(input.recipients ? { recipients: [...input.recipients] } : {}),
    ...(input.handling ? { handling: input.handling } : {}),
    ...(input.derivedfrom ? { derivedfrom: input.derivedfrom } : {}),
    data: input.data,
  };
  const parsed = parseEvent(envelope);
  if (!parsed.success) throw new AllianceError(ErrorCode.EventInvalid, `invalid ${envelope.type} event: ${parsed.error}`);
  // The parsed event is what goes out: zod has already dropped nothing (strict) and applied defaults.
  const body = encoder.encode(JSON.stringify(parsed.event));
  if (body.length > bounds.maxBodyBytes) {
    throw new AllianceError(ErrorCode.EventInvalid, `event body is ${body.length} bytes, over the ${bounds.maxBodyBytes}-byte bound`);
  }
  // node:crypto on a KeyObject made once per key; jose's signDetached gives the same signature.
  const signature = signDetachedNative(body, signer.kid, signer.key);
  return { id: parsed.event.id, subject: eventSubject(input.channel, signer.origin, input.kind), body, signature, event: parsed.event };
}
