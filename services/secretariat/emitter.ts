import type { Bounds } from "../../schemas/config.js";
import { GOVERNANCE_CHANNEL } from "../../schemas/protocol.js";
import { isAllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Signer } from "../bus/keys/keys.js";
import type { Logger } from "../bus/core/logger.js";
import type { Publisher } from "../bus/publish/publisher.js";
import { signEvent, type SignedMessage } from "../bus/wire/sign.js";
import { dueDecisions } from "./state/decisions.js";
import type { GovState } from "./state/types.js";

/**
 * Publishes the decisions the state calls for, each at most once while it is in flight.
 *
 * A decision is an event like any other: it becomes state only when it comes back through the
 * stream and the fold accepts it. Until then the matter stays due, so the emitter remembers what
 * it sent, by trigger (matter or refused action), and forgets it when a message with that id is
 * folded. A failed publish is retried with the same signed message, and so the same
 * `Nats-Msg-Id`, while it is fresh enough to pass the skew check; JetStream de-duplication makes
 * the retry harmless. Nothing here needs to survive a restart: the service emits only when it has
 * caught up with the stream, and by then every decision that was stored has been folded.
 */
export interface Emitter {
  /** Publishes every due decision not already in flight. Runs one at a time. */
  emitDue(): Promise<void>;
  /** A message with this id was folded: whatever it decided is no longer in flight. */
  folded(id: string): void;
  /** Resolves when no run is in progress. */
  settled(): Promise<void>;
}

interface InFlight { readonly message: SignedMessage; status: "sending" | "sent" | "failed"; readonly signedAt: number }

/** A sent decision not seen back after this long, while caught up, is taken as lost. */
const LOST_AFTER_MS = 30_000;

export function createEmitter(deps: {
  state: () => Readonly<GovState>;
  signer: Signer;
  publisher: Publisher;
  bounds: Pick<Bounds, "maxBodyBytes" | "skewSeconds">;
  /** Refused actions answered per actor, ever (`answersPerActor`, state/decisions.ts); unlimited if absent. */
  answersPerActor?: number;
  log: Logger;
  faults?: { afterDecisionPublished?(kind: string, id: string): Promise<void> | void };
}): Emitter {
  const inFlight = new Map<string, InFlight>();
  const freshMs = (deps.bounds.skewSeconds * 1000) / 2;
  let running: Promise<void> | undefined;
  let again = false;

  async function emitOnce(): Promise<void> {
    const now = Date.now();
    const due = dueDecisions(deps.state(), new Date(now).toISOString(), deps.answersPerActor !== undefined ? { answersPerActor: deps.answersPerActor } : {});
    const dueTriggers = new Set(due.map((d) => d.trigger));
    for (const trigger of inFlight.keys()) if (!dueTriggers.has(trigger)) inFlight.delete(trigger);

    for (const decision of due) {
      const previous = inFlight.get(decision.trigger);
      if (previous?.status === "sending") continue;
      if (previous?.status === "sent" && now - previous.signedAt < LOST_AFTER_MS) continue;
      const reuse = previous?.status === "failed" && now - previous.signedAt < freshMs;
      const message = reuse
        ? previous.message
        : await signEvent(deps.signer, { channel: GOVERNANCE_CHANNEL, kind: decision.kind, data: decision.data, tlp: "GREEN", lang: "en" }, deps.bounds);
      const entry: InFlight = { message, status: "sending", signedAt: reuse ? previous.signedAt : now };
      inFlight.set(decision.trigger, entry);
      try {
        const receipt = await deps.publisher.send(message);
        entry.status = "sent";
        deps.log.info({ kind: decision.kind, trigger: decision.trigger, id: message.id, seq: receipt.seq }, "decision published");
        await deps.faults?.afterDecisionPublished?.(decision.kind, message.id);
      } catch (err) {
        if (reuse && isAllianceError(err, ErrorCode.PublishDuplicate)) {
          entry.status = "sent"; // our earlier attempt was stored after all
        } else {
          entry.status = "failed";
          deps.log.warn({ err, kind: decision.kind, trigger: decision.trigger }, "decision not published; will retry");
        }
      }
    }
  }

  return {
    emitDue() {
      // A call during a run asks for one more run: the state may have moved since it began.
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await emitOnce();
        } while (again);
      })().finally(() => (running = undefined));
      return running;
    },
    async settled() {
      await running;
    },
    folded(id) {
      for (const [trigger, entry] of inFlight) if (entry.message.id === id) inFlight.delete(trigger);
    },
  };
}
