import type { Retract } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { ControlKind, PriorityChannel } from "../../schemas/protocol.js";
import type { SubscriberConfig, Bounds } from "../../schemas/config.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import { eraseMessage, findQuarantineCopies } from "../bus/admin/erase.js";
import { openProcessedRecord } from "../bus/consume/idempotency.js";
import { subscribe, type Handler, type Rejection, type Subscription } from "../bus/consume/subscriber.js";
import { StreamName, streamForChannel } from "../bus/wire/subjects.js";
import type { Verifier } from "../bus/wire/verify.js";
import { HandlerRejection } from "../bus/consume/rejection.js";
import { Reason } from "../bus/wire/reasons.js";
import { policyViolation } from "./policy.js";
import { applyTracked, emptyTracking, kindOf } from "./state.js";

export interface RecallOutcome {
  readonly event: string;
  readonly by: string;
  readonly stream?: string | undefined;
  readonly seq?: number | undefined;
  /** Whether the original was still stored and is now erased. */
  readonly erased: boolean;
  /** Quarantine copies of the original, erased too. */
  readonly quarantineCopies: number;
}

export interface RecallDeps {
  /** The administrator's connection: only it may delete messages from the streams. */
  readonly bus: Pick<Bus, "js" | "jsm">;
  readonly verify: Verifier;
  readonly log: Logger;
  readonly subscriber: SubscriberConfig;
  readonly bounds: Pick<Bounds, "replicas" | "streamMaxAgeDays">;
  readonly onRecalled?: (outcome: RecallOutcome) => void;
  readonly onRejected?: (rejection: Rejection) => void;
}

export interface Recall extends AsyncDisposable {
  readonly outcomes: readonly RecallOutcome[];
  stop(): Promise<void>;
}

/**
 * The operator's recall service (v1.1 §1b.4): follows the priority streams with the envelope
 * metadata of every event, and on a valid retract — signed by the event's originator, the same
 * policy check as every subscriber makes, an invalid one quarantined as `policy` — erases the
 * original from its stream (JetStream delete with erase) and every quarantine copy of it.
 * What it cannot reach (backups, members' own copies) is said in docs/operations.md.
 */
export async function createRecall(deps: RecallDeps): Promise<Recall> {
  const { bus, log } = deps;
  const state = emptyTracking();
  const outcomes: RecallOutcome[] = [];

  async function erase(retract: AllianceEvent<Retract>): Promise<void> {
    const original = state.events.get(retract.data.of);
    const at = original && !original.tombstone ? { stream: original.stream, seq: original.seq } : {};
    const erased = at.stream !== undefined && at.seq !== undefined ? await eraseMessage(bus.jsm, at.stream, at.seq) : false;
    const copies = await findQuarantineCopies(bus.js, bus.jsm, { id: retract.data.of, ...at });
    for (const seq of copies) await eraseMessage(bus.jsm, StreamName.quarantine, seq);
    const outcome = { event: retract.data.of, by: retract.source, ...at, erased, quarantineCopies: copies.length };
    outcomes.push(outcome);
    log.info(outcome, "retracted event erased from its stream and from quarantine");
    deps.onRecalled?.(outcome);
  }

  // The same policy check as every subscriber's: a retract by anyone but the originator is quarantined.
  const handler: Handler = async (event, ctx) => {
    const broken = policyViolation(state, event);
    if (broken) throw new HandlerRejection(Reason.Policy, broken);
    const retract = kindOf(event) === ControlKind.enum.retract && event.datacontenttype === "application/json";
    if (retract) await erase(event as AllianceEvent<Retract>);
    applyTracked(state, event, { stream: ctx.stream, seq: ctx.seq });
  };

  const subscriptions: Subscription[] = [];
  for (const channel of PriorityChannel.options) {
    subscriptions.push(await subscribe({
      js: bus.js, jsm: bus.jsm, log, verify: deps.verify, handler, readAhead: 1,
      consumer: { stream: streamForChannel(channel), durable: `recall-${channel}`, startFrom: "all", settings: deps.subscriber },
      processed: (name) => openProcessedRecord(bus.js, name, deps.bounds),
      ...(deps.onRejected ? { onRejected: deps.onRejected } : {}),
    }));
  }
  const stop = async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  };
  return { outcomes, stop, [Symbol.asyncDispose]: stop };
}
