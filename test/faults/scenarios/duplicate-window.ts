import { setTimeout as sleep } from "node:timers/promises";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { CLOUDEVENTS_CONTENT_TYPE, Header } from "../../../services/bus/wire/headers.js";
import { signEvent, type SignedMessage } from "../../../services/bus/wire/sign.js";
import { provisionStreams } from "../../../services/bus/admin/streams.js";
import type { Rejection } from "../../../services/bus/consume/subscriber.js";
import { StreamName } from "../../../services/bus/wire/subjects.js";
import { waitFor } from "../../helpers/collect.js";
import { testLog } from "../../helpers/nats.js";
import { crimeBulletin, openDesk, openPublisher } from "./desk.js";
import { HandlerLedger, storedIds } from "./ledger.js";
import type { FaultWorld } from "./world.js";

export interface DuplicateWindowReport {
  readonly id: string;
  readonly windowSeconds: number;
  /** Sequences of the first send, of a retry inside the window, and of the retry after it. */
  readonly firstSeq: number;
  readonly insideSeq: number;
  readonly insideDuplicate: boolean;
  readonly afterSeq: number;
  /** Every sequence the stream holds the id at. */
  readonly storedAt: number[];
  readonly handlerRuns: number;
  readonly rejected: Rejection[];
}

/**
 * Case 7: one signed message sent, re-sent inside the stream's duplicate window (JetStream drops
 * it), then re-sent after the window (JetStream stores it again: the id is forgotten). The second
 * copy must be caught by the subscriber's processed record and quarantined as a duplicate: stored
 * twice, handled once. The window is shortened to a few seconds here; production's is 10 minutes.
 */
export async function runDuplicateWindow(world: FaultWorld, options: { windowSeconds: number }): Promise<DuplicateWindowReport> {
  const { config, admin, members } = world;
  // Only the broker's window is short: the verifier keeps production's skew, as a publisher that
  // retries a few seconds late is well within it.
  await provisionStreams(admin.jsm, { ...config.bounds, duplicateWindowSeconds: options.windowSeconds }, testLog);
  const handled = new HandlerLedger();
  const rejected: Rejection[] = [];
  const desk = await openDesk(world, await world.connect("faults-dup-desk"), {
    stream: StreamName.crime, durable: "faults-dup", handler: handled.handler, onRejected: (r) => rejected.push(r),
  });
  const publisher = await openPublisher(world, "fr");
  const message = await signEvent(members.signers.fr!, crimeBulletin(), config.bounds);

  const first = await publisher.send(message);
  await waitFor("the first copy handled", () => handled.runs.has(message.id), 60_000);
  // Inside the window the broker answers "duplicate"; on a first attempt the publisher reports that
  // as someone else holding the id, so the retry goes to JetStream directly, as a resend would.
  const inside = await admin.js.publish(message.subject, message.body, { msgID: message.id, headers: headersOf(message) });
  await sleep(options.windowSeconds * 1000 + 1_500);
  const after = await publisher.send(message);
  await waitFor("the second copy quarantined", () => rejected.some((r) => r.seq === after.seq), 60_000);
  await sleep(1_000);
  await desk.stop();

  const stored = await storedIds(admin, StreamName.crime);
  return {
    id: message.id, windowSeconds: options.windowSeconds, firstSeq: first.seq, insideSeq: inside.seq, insideDuplicate: inside.duplicate,
    afterSeq: after.seq, storedAt: stored.get(message.id) ?? [], handlerRuns: handled.runs.get(message.id) ?? 0, rejected,
  };
}

function headersOf(message: SignedMessage): MsgHdrs {
  const h = natsHeaders();
  h.set(Header.MsgId, message.id);
  h.set(Header.Signature, message.signature);
  h.set(Header.ContentType, CLOUDEVENTS_CONTENT_TYPE);
  return h;
}
