import { setTimeout as sleep } from "node:timers/promises";
import type { Retract } from "../../schemas/data/tracking.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { ControlKind, PriorityChannel } from "../../schemas/protocol.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import { eraseMessage, findQuarantineCopies } from "../bus/admin/erase.js";
import { readStream } from "../bus/admin/read-stream.js";
import { StreamName, streamForChannel } from "../bus/wire/subjects.js";
import type { Verifier } from "../bus/wire/verify.js";
import { policyViolation } from "./policy.js";
import { applyTracked, emptyTracking, hasReadableData, kindOf } from "./state.js";

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

/** A retract the recall service would not act on: the members' subscribers quarantine it as `policy`. */
export interface RefusedRetract { readonly stream: string; readonly seq: number; readonly detail: string }

export interface RecallDeps {
  /** The administrator's connection: only it may delete messages from the streams. */
  readonly bus: Pick<Bus, "js" | "jsm">;
  readonly verify: Verifier;
  readonly log: Logger;
  /** How often the streams are looked at for new messages. */
  readonly pollMs?: number;
  readonly onRecalled?: (outcome: RecallOutcome) => void;
}

export interface Recall extends AsyncDisposable {
  readonly outcomes: readonly RecallOutcome[];
  readonly refused: readonly RefusedRetract[];
  stop(): Promise<void>;
}

/**
 * The operator's recall service (v1.1 §1b.4). It follows the priority streams with the envelope
 * metadata of every event (where each is stored), and on a valid retract — signed by the event's
 * originator: the same policy check every subscriber makes — erases the original from its stream
 * (JetStream delete with erase, which overwrites the bytes) and every quarantine copy of it.
 *
 * It reads with the administrator's identity through ack-less readers and writes nothing to the
 * streams: no acks, no processed record, no quarantine copies (an invalid retract is quarantined
 * as `policy` by the members' subscribers; here it is only logged). Restarted, it folds the streams
 * again, and erases what a retract still names. What it cannot reach (backups, the members' own
 * copies) is said in docs/operations.md.
 */
export async function createRecall(deps: RecallDeps): Promise<Recall> {
  const { bus, log, pollMs = 500 } = deps;
  const state = emptyTracking();
  const outcomes: RecallOutcome[] = [];
  const refused: RefusedRetract[] = [];
  const next = new Map<string, number>();

  async function erase(retract: AllianceEvent<Retract>): Promise<void> {
    const original = state.events.get(retract.data.of);
    // Not seen, or already gone (its retract is all a fold finds): nothing left to erase here.
    if (!original || original.tombstone || original.stream === undefined || original.seq === undefined) return;
    // Its bytes, read before the erase: only copies of these very bytes are erased by id (erase.ts).
    const body = (await bus.jsm.streams.getMessage(original.stream, { seq: original.seq }).catch(() => null))?.data;
    const erased = await eraseMessage(bus.jsm, original.stream, original.seq);
    const copies = await findQuarantineCopies(bus.js, bus.jsm, { id: original.id, stream: original.stream, seq: original.seq, body: body ?? new Uint8Array() });
    for (const seq of copies) await eraseMessage(bus.jsm, StreamName.quarantine, seq);
    const outcome = { event: original.id, by: retract.source, stream: original.stream, seq: original.seq, erased, quarantineCopies: copies.length };
    outcomes.push(outcome);
    log.info(outcome, "retracted event erased from its stream and from quarantine");
    deps.onRecalled?.(outcome);
  }

  async function fold(event: AllianceEvent, at: { stream: string; seq: number }): Promise<void> {
    const retract = kindOf(event) === ControlKind.enum.retract;
    const broken = policyViolation(state, event);
    if (broken) {
      if (retract) {
        refused.push({ ...at, detail: broken });
        log.warn({ ...at, detail: broken }, "retract not acted on: it breaks policy");
      }
      return;
    }
    if (retract && hasReadableData(event)) await erase(event as AllianceEvent<Retract>);
    applyTracked(state, event, at);
  }

  async function readNew(): Promise<void> {
    for (const channel of PriorityChannel.options) {
      const stream = streamForChannel(channel);
      const from = next.get(stream) ?? 1;
      const info = await bus.jsm.streams.info(stream);
      if (info.state.last_seq < from) continue;
      for await (const msg of readStream(bus.js, bus.jsm, stream, { fromSeq: from })) {
        next.set(stream, msg.info.streamSequence + 1);
        const verdict = await deps.verify({ subject: msg.subject, body: msg.data, header: (n) => msg.headers?.get(n) || undefined, receivedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)) });
        if (verdict.ok) await fold(verdict.event, { stream, seq: msg.info.streamSequence });
      }
    }
  }

  await readNew();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await sleep(pollMs);
      if (stopped) break;
      await readNew().catch((err: unknown) => log.warn({ err }, "recall: reading the streams failed; will retry"));
    }
  })();
  const stop = async () => {
    stopped = true;
    await loop;
  };
  return { outcomes, refused, stop, [Symbol.asyncDispose]: stop };
}
