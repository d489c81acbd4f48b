import { randomUUID } from "node:crypto";
import type { Bounds } from "../../../schemas/config.js";
import type { AllianceEvent } from "../../../schemas/envelope.js";
import { DataContentType, eventType, type Channel, type Evaluation, type Handling, type Lang, type OriginCode, type Tlp } from "../../../schemas/protocol.js";
import type { SealedData } from "../../../schemas/sealed.js";
import { parseEvent } from "../../../schemas/registry.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { signDetachedNative } from "./jws.js";
import type { Signer } from "../keys/keys.js";
import { policyProblem } from "./policy.js";
import { eventSubject } from "./subjects.js";

/** What a publisher supplies; the envelope's other attributes are filled in here. */
export interface OutgoingEvent {
  readonly channel: Channel;
  readonly kind: string;
  readonly data: unknown;
  readonly tlp: Tlp;
  readonly lang: Lang;
  readonly expires?: string;
  /** v1.1 §1b.2: an event with recipients is sealed to them (see `Sealer`). */
  readonly recipients?: readonly OriginCode[];
  readonly handling?: Handling;
  readonly handlingnote?: string;
  readonly evaluation?: Evaluation;
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

/** Seals a validated plaintext event's `data` to its `recipients` (publish/seal.ts makes one). */
export type Sealer = (plain: AllianceEvent) => SealedData;

/**
 * Builds the CloudEvents envelope, validates it against its schema, seals it when it has
 * recipients (v1.1 §1b.2: the plaintext is validated first, then encrypted), checks the handling
 * policy, serialises and signs it (sign after encrypt).
 */
export async function signEvent(signer: Signer, input: OutgoingEvent, bounds: Pick<Bounds, "maxBodyBytes">, seal?: Sealer): Promise<SignedMessage> {
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
    ...(input.handlingnote ? { handlingnote: input.handlingnote } : {}),
    ...(input.evaluation ? { evaluation: input.evaluation } : {}),
    ...(input.derivedfrom ? { derivedfrom: input.derivedfrom } : {}),
    data: input.data,
  };
  const parsed = parseEvent(envelope);
  if (!parsed.success) throw new AllianceError(ErrorCode.EventInvalid, `invalid ${envelope.type} event: ${parsed.error}`);
  // The parsed event is what goes out: zod has already dropped nothing (strict) and applied defaults.
  let event = parsed.event;
  if (event.recipients) {
    if (!seal) throw new AllianceError(ErrorCode.SealUnavailable, `event ${event.id} has recipients, so it is sealed, and this publisher has no encryption directory`);
    const sealed = parseEvent({ ...event, datacontenttype: DataContentType.Sealed, data: seal(event) });
    if (!sealed.success) throw new AllianceError(ErrorCode.EventInvalid, `sealed ${envelope.type} event: ${sealed.error}`);
    event = sealed.event;
  }
  const problem = policyProblem(event);
  if (problem) throw new AllianceError(ErrorCode.PolicyRefused, `event ${event.id} refused by the handling policy: ${problem}`);
  const body = encoder.encode(JSON.stringify(event));
  if (body.length > bounds.maxBodyBytes) {
    throw new AllianceError(ErrorCode.EventInvalid, `event body is ${body.length} bytes, over the ${bounds.maxBodyBytes}-byte bound`);
  }
  // libsodium on a key derived once per signer; jose's signDetached gives the same signature.
  const signature = signDetachedNative(body, signer.kid, signer.key);
  return { id: event.id, subject: eventSubject(input.channel, signer.origin, input.kind), body, signature, event };
}
