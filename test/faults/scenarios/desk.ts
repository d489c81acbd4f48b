import type { Bus } from "../../../services/bus/core/bus.js";
import { openProcessedRecord } from "../../../services/bus/consume/idempotency.js";
import { createPublisher, type Publisher } from "../../../services/bus/publish/publisher.js";
import type { OutgoingEvent } from "../../../services/bus/wire/sign.js";
import { subscribe, type Handler, type Rejection, type Subscription } from "../../../services/bus/consume/subscriber.js";
import { createVerifier } from "../../../services/bus/wire/verify.js";
import { sampleCrimeBulletin } from "../../helpers/fixtures.js";
import { testLog } from "../../helpers/nats.js";
import type { FaultWorld } from "./world.js";

/** An analysis desk: a durable subscriber with the full checks and a durable processed record. */
export async function openDesk(world: FaultWorld, bus: Bus, opts: { stream: string; durable: string; handler: Handler; onRejected?: (r: Rejection) => void }): Promise<Subscription> {
  const { config, members } = world;
  return subscribe({
    js: bus.js, jsm: bus.jsm, log: testLog, handler: opts.handler,
    ...(opts.onRejected ? { onRejected: opts.onRejected } : {}),
    verify: createVerifier({ bounds: config.bounds, directory: members.directory }),
    consumer: { stream: opts.stream, durable: opts.durable, startFrom: "all", settings: config.subscriber },
    processed: (name) => openProcessedRecord(bus.js, name, config.bounds),
  });
}

/** A ministry's publisher on a connection of its own, retrying each message up to `deadlineMs`. */
export async function openPublisher(world: FaultWorld, code: string, deadlineMs = 60_000): Promise<Publisher> {
  const bus = await world.connect(`faults-publisher-${code}`);
  const signer = world.members.signers[code];
  if (!signer) throw new Error(`no key for ${code}`);
  return createPublisher({ js: bus.js, signer, bounds: world.config.bounds, log: testLog, deadlineMs });
}

const bulletinData = sampleCrimeBulletin();

/** A crime bulletin, the same content each time (each gets its own id and signature). */
export function crimeBulletin(): OutgoingEvent {
  return { channel: "crime", kind: "bulletin", tlp: "AMBER", lang: "fr", data: bulletinData };
}
