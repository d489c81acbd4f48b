import type { Bounds } from "../../schemas/config.js";
import type { JsMsg } from "../bus/core/nats-types.js";
import { Header } from "../bus/wire/headers.js";
import { createVerifier, type IncomingMessage, type SignatureCheck, type Verdict } from "../bus/wire/verify.js";
import { applyEvent, commit, secretariatKindOf } from "./state/apply.js";
import type { Applied, GovState, KeyRing, Step } from "./state/types.js";
import { StateDirectory } from "./state-directory.js";

/** A message of the secretariat stream with its position: what the fold reads. */
export interface StreamMessage extends IncomingMessage {
  readonly seq: number;
}

/** The stream's receive time in milliseconds, exactly as the foundation's subscriber computes it. */
export function toStreamMessage(msg: JsMsg): StreamMessage {
  return {
    seq: msg.info.streamSequence,
    subject: msg.subject,
    body: msg.data,
    header: (name) => msg.headers?.get(name) || undefined,
    receivedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)),
  };
}

/** What the fold made of one message: the verifier's verdict and, if it passed, the transition. */
export interface Folded {
  readonly seq: number;
  readonly verdict: Verdict;
  readonly applied?: Applied;
  /** Empty changes for a message the verifier rejected: it is passed over, never applied. */
  readonly step: Step;
}

export interface Fold {
  readonly state: GovState;
  /** The directory as of the last folded message: what verifies the next one. */
  readonly directory: StateDirectory;
  /** Verifies and evaluates a message against the current state, changing nothing. */
  evaluate(msg: StreamMessage): Promise<Folded>;
  /** Makes an evaluated message part of the state. */
  commit(folded: Folded): Promise<void>;
  /** evaluate, then commit. */
  apply(msg: StreamMessage): Promise<Folded>;
}

/**
 * `applyEvent`, total: a transition that throws on a verified event (a bug, or an input nobody
 * foresaw) passes the event over, with the exception as the reason, instead of stopping the fold.
 * The fold must go on: a stalled fold freezes every key rotation and revocation after it.
 */
function applyTotally(state: Readonly<GovState>, applied: Applied): Step {
  try {
    return applyEvent(state, applied);
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, 300) : "exception";
    return { outcome: { kind: "ignored", detail: `transition failed: ${detail}` }, changes: [] };
  }
}

/**
 * The one way the secretariat stream becomes state, shared by the service, the live directory
 * and every rebuild or audit, so that all of them reach the same verdicts from the same stream:
 * each message is verified (every check of the protocol) against the keys the stream itself
 * had established before it, with `expires` judged at the receive time rather than the
 * reader's clock, then passed to the pure transitions.
 */
export async function createFold(deps: {
  bounds: Pick<Bounds, "maxBodyBytes" | "maxDepth" | "skewSeconds">;
  state: GovState;
  /** Who checks the Ed25519 arithmetic: a rebuild passes its worker pool (signature-pool.ts). */
  engine?: SignatureCheck;
}): Promise<Fold> {
  const state = deps.state;
  const directory = new StateDirectory(() => state);
  await directory.sync();

  const evaluate = async (msg: StreamMessage): Promise<Folded> => {
    const verify = createVerifier({ bounds: deps.bounds, directory, now: () => msg.receivedAt, ...(deps.engine ? { engine: deps.engine } : {}) });
    const verdict = await verify(msg);
    if (!verdict.ok) return { seq: msg.seq, verdict, step: { outcome: { kind: "ignored", detail: `${verdict.reason}: ${verdict.detail}` }, changes: [] } };
    const applied: Applied = {
      event: verdict.event,
      kind: secretariatKindOf(verdict.event.type) ?? verdict.event.type,
      kid: verdict.kid,
      seq: msg.seq,
      at: msg.receivedAt.toISOString(),
      jws: msg.header(Header.Signature) ?? "",
    };
    return { seq: msg.seq, verdict, applied, step: applyTotally(state, applied) };
  };

  const commitFolded = async (folded: Folded) => {
    // Keys are imported before the state names them, so that no lookup in between reads "unknown".
    const rings = folded.step.changes.filter((c) => c.collection === "keys").map((c) => c.value as KeyRing);
    if (rings.length > 0) await directory.sync(rings);
    commit(state, folded.seq, folded.step.changes);
  };

  return {
    state,
    directory,
    evaluate,
    commit: commitFolded,
    async apply(msg) {
      const folded = await evaluate(msg);
      await commitFolded(folded);
      return folded;
    },
  };
}
