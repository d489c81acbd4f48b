import type { AllianceConfig } from "../../schemas/config.js";
import { SecretariatKind, type MembershipDecided } from "../../schemas/governance/index.js";
import type { Jwks } from "../../schemas/keys.js";
import type { Bus } from "../bus/core/bus.js";
import { ensureConsumer, type ConsumerSpec } from "../bus/admin/consumer.js";
import { AllianceError, isAllianceError, ErrorCode } from "../bus/core/errors.js";
import { Header } from "../bus/wire/headers.js";
import type { Signer } from "../bus/keys/keys.js";
import type { Logger } from "../bus/core/logger.js";
import type { ConsumerMessages, JsMsg } from "../bus/core/nats-types.js";
import { createPublisher } from "../bus/publish/publisher.js";
import { createQuarantineWriter, type QuarantineWriter } from "../bus/consume/quarantine.js";
import { StreamName } from "../bus/wire/subjects.js";
import { createEmitter } from "./emitter.js";
import { answersPerActor } from "./state/decisions.js";
import { createRejectedBatch } from "./rejected-batch.js";
import { createFold, toStreamMessage, type Fold, type Folded } from "./fold.js";
import { foundingState } from "./state/initial.js";
import type { GovState, MemberView } from "./state/types.js";
import { openViewStore, type ViewStore } from "./views.js";

/** Points in the handling of one message where a test may stop the service, as a crash would. */
export interface FaultHooks {
  /** The intent (every write of the message) is in `meta`; no entry is written yet. */
  afterIntentWritten?(seq: number): Promise<void> | void;
  /** The message's view writes are stored (lastSeq moved); it is not acknowledged yet. */
  afterViewsWritten?(seq: number): Promise<void> | void;
  /** A decision was published (stored in the stream); it has not come back through the fold. */
  afterDecisionPublished?(kind: string, id: string): Promise<void> | void;
}

export interface SecretariatDeps {
  readonly config: Readonly<AllianceConfig>;
  readonly bus: Bus;
  readonly log: Logger;
  /** The secretariat's own key (`sec:…`): it signs decisions and answers. */
  readonly signer: Signer;
  /** The founding directory (static JWKS): the trust anchor of the fold. */
  readonly founding: Jwks;
  /** The durable consumer's name; one secretariat per name. Default "secretariat". */
  readonly durable?: string;
  /**
   * Told when an admission is folded, after the views are written (for broker credentials,
   * issue 4). At most once per admission: a crash just before it skips it, so a listener
   * should also reconcile from the members view at its own start.
   */
  readonly onMemberAdmitted?: (member: MemberView) => Promise<void> | void;
  readonly faults?: FaultHooks;
  /** Writes its quarantine copies as `sec` (default: under a key drawn for this process). */
  readonly quarantine?: QuarantineWriter;
}

export interface Secretariat extends AsyncDisposable {
  /** Loads the views (or seeds them), catches up with the stream, then follows it. */
  start(): Promise<void>;
  /** Stops pulling, lets the message in hand finish, waits for decisions being published. */
  stop(): Promise<void>;
  /** The live state: what the views hold. */
  state(): Readonly<GovState>;
  /** Resolves when the loop ends after stop; rejects if the service stopped on a fatal error. */
  readonly closed: Promise<void>;
}

export const SECRETARIAT_DURABLE = "secretariat";

/**
 * Messages the server may hand the secretariat before it acknowledges the first. One at a time
 * cost a round trip per message, and a member flooding its governance subject with junk then
 * delayed every other member's vote without bound (issue 11): the loop still applies them one by
 * one, in stream order; only the waiting between them goes.
 */
export const SECRETARIAT_READ_AHEAD = 512;

/**
 * The secretariat's durable consumer: the whole stream, in order, redelivered for as long as it
 * takes (a governance event is never given up on). An administrator provisioning it for a
 * restricted `sec` identity must use these settings (docs/secretariat.md).
 */
export function secretariatConsumerSpec(config: Pick<AllianceConfig, "subscriber">, durable = SECRETARIAT_DURABLE): ConsumerSpec {
  return { stream: StreamName.secretariat, durable, startFrom: "all", settings: { ...config.subscriber, maxAckPending: SECRETARIAT_READ_AHEAD, maxDeliver: -1 } };
}

/** Bytes pulled at once; the consumer's read-ahead in messages is SECRETARIAT_READ_AHEAD. */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/** Rejected messages whose quarantine copies may be in flight before the views are brought up to them. */
const REJECTED_BATCH = 256;
const EMIT_INTERVAL_MS = 2_000;
const RETRY_DELAY_MS = 1_000;

/**
 * The secretariat: folds every message of the secretariat stream, in order, into its state and
 * views, and publishes (signed with `sec`) the decisions and answers the state calls for.
 *
 * Its own consumer loop rather than the foundation's `subscribe`, for three reasons: each
 * message must be verified against the keys established by the messages before it (the fold's
 * own directory); a message must never be terminated for a handler failure, or the service and a
 * replay would disagree (it is retried until the views can be written); and a message is known to
 * be applied by its stream sequence, stored atomically with the views, so a redelivery after a
 * crash is acknowledged without a second application. The checks and the quarantine are the
 * foundation's.
 */
export function createSecretariat(deps: SecretariatDeps): Secretariat {
  const { config, bus, signer } = deps;
  const log = deps.log.child({ svc: "secretariat" });
  const durable = deps.durable ?? SECRETARIAT_DURABLE;
  const publisher = createPublisher({ js: bus.js, signer, bounds: config.bounds, log });
  let fold: Fold | undefined;
  let views: ViewStore | undefined;
  let messages: ConsumerMessages | undefined;
  let timer: NodeJS.Timeout | undefined;
  let caughtUp = false;
  let resolveClosed!: () => void;
  let rejectClosed!: (err: unknown) => void;
  const closed = new Promise<void>((resolve, reject) => ((resolveClosed = resolve), (rejectClosed = reject)));
  closed.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  const emitter = createEmitter({ state: () => fold!.state, signer, publisher, bounds: config.bounds, answersPerActor: answersPerActor(config.quotas), log, ...(deps.faults ? { faults: deps.faults } : {}) });

  const spec = secretariatConsumerSpec(config, durable);
  const quarantine = deps.quarantine ?? createQuarantineWriter(bus.js, { writer: config.secretariat.code });
  const rejected = createRejectedBatch({ quarantine, durable, log });

  async function handle(msg: JsMsg): Promise<void> {
    const f = fold!;
    const sm = toStreamMessage(msg);
    const msgId = msg.headers?.get(Header.MsgId);
    if (msgId) emitter.folded(msgId);
    if (sm.seq <= f.state.lastSeq) {
      log.info({ seq: sm.seq }, "already applied (redelivery after a restart); acknowledged");
      msg.ack();
      return;
    }
    if (sm.seq > f.state.lastSeq + 1) {
      // The message before was redelivered (or lost in transit): it comes back first. Not sooner
      // than a second, so that a read-ahead of hundreds does not cycle while it waits.
      log.warn({ seq: sm.seq, waitingFor: f.state.lastSeq + 1 }, "out of order; waiting for the message before it");
      msg.nak(RETRY_DELAY_MS);
      return;
    }
    const folded = await f.evaluate(sm);
    if (!folded.verdict.ok) {
      // The fast path for junk: a rejected message changes nothing, so it needs no view write of
      // its own, and its quarantine copy is not awaited one by one. The copies are awaited, as a
      // batch, before the views move past them (flush); each is terminated once its copy is stored.
      await f.commit(folded);
      rejected.add(msg, folded);
      caughtUp = msg.info.pending === 0;
      if (caughtUp || rejected.size() >= REJECTED_BATCH) await flushRejected();
      return;
    }
    await rejected.settle();
    await views!.write(sm.seq, folded.step.changes);
    await deps.faults?.afterViewsWritten?.(sm.seq);
    await f.commit(folded);
    report(folded);
    await notifyAdmission(folded);
    msg.ack();
    caughtUp = msg.info.pending === 0;
    if (caughtUp) void emitter.emitDue();
  }

  /** The copies of the rejected messages are stored; the views' position moves past them. */
  async function flushRejected(): Promise<void> {
    const last = await rejected.settle();
    if (last !== undefined && last === fold!.state.lastSeq) await views!.write(last, []);
    if (caughtUp) void emitter.emitDue();
  }

  function report(folded: Folded): void {
    const { outcome } = folded.step;
    const event = folded.applied?.event;
    const fields = { seq: folded.seq, id: event?.id, kind: folded.applied?.kind, from: event?.source };
    if (!folded.verdict.ok) log.warn({ ...fields, reason: folded.verdict.reason, detail: folded.verdict.detail }, "quarantined");
    else if (outcome.kind === "applied") log.info({ ...fields, note: outcome.note }, "applied");
    else if (outcome.kind === "refused") log.warn({ ...fields, reason: outcome.reason, detail: outcome.detail }, "refused; an answer is due");
    else log.warn({ ...fields, detail: outcome.detail }, "ignored");
  }

  async function notifyAdmission(folded: Folded): Promise<void> {
    const data = folded.applied?.event.data as MembershipDecided | undefined;
    if (!deps.onMemberAdmitted || folded.applied?.kind !== SecretariatKind.MembershipDecided || folded.step.outcome.kind !== "applied" || data?.outcome !== "admitted") return;
    const code = (fold!.state.matters[data.application] as { application?: { applicant: { code: string } } }).application?.applicant.code;
    const member = code ? fold!.state.members[code] : undefined;
    if (!member) return;
    await Promise.resolve(deps.onMemberAdmitted(member)).catch((err: unknown) => log.error({ err, member: member.code }, "onMemberAdmitted failed"));
  }

  async function loop(consumed: ConsumerMessages): Promise<void> {
    for await (const msg of consumed) {
      try {
        await handle(msg);
      } catch (err) {
        if (isAllianceError(err, ErrorCode.ViewsConflict)) throw err;
        log.error({ err, seq: msg.info.streamSequence }, "message not applied; it will be redelivered");
        msg.nak(RETRY_DELAY_MS);
      }
    }
  }

  async function start(): Promise<void> {
    views = await openViewStore(bus.js, config.bounds, log, deps.faults);
    let state = await views.load();
    if (!state) {
      state = foundingState(config, deps.founding);
      await views.initialise(state);
      log.info({ members: Object.keys(state.members).length }, "views seeded with the founding directory");
    }
    fold = await createFold({ bounds: config.bounds, state });
    await ensureConsumer(bus.jsm, spec);
    const consumer = await bus.js.consumers.get(spec.stream, durable);
    const streamInfo = await bus.jsm.streams.info(spec.stream);
    if (streamInfo.state.messages > 0 && streamInfo.state.first_seq > state.lastSeq + 1) {
      throw new AllianceError(ErrorCode.ViewsConflict, `the secretariat stream starts at ${streamInfo.state.first_seq}, after the views' ${state.lastSeq}: messages of the governance record are missing`);
    }
    caughtUp = streamInfo.state.last_seq <= state.lastSeq;
    log.info({ lastSeq: state.lastSeq, streamLastSeq: streamInfo.state.last_seq }, "secretariat started");
    // Read-ahead bounded in bytes: a pull of hundreds of maximum-size messages overflows the
    // connection's pending buffer, the server drops it as a slow consumer, and the deliveries in
    // flight come back only after the ack wait (seen with a flood of 256 KiB junk).
    messages = await consumer.consume({ max_bytes: READ_AHEAD_BYTES, idle_heartbeat: 5_000, expires: 30_000 });
    loop(messages).then(resolveClosed, (err: unknown) => {
      log.fatal({ err }, "secretariat stopped");
      messages?.stop();
      rejectClosed(err);
    });
    timer = setInterval(() => void (caughtUp ? emitter.emitDue() : undefined), EMIT_INTERVAL_MS);
    if (caughtUp) void emitter.emitDue();
  }

  async function stop(): Promise<void> {
    clearInterval(timer);
    if (!messages) return;
    messages.stop();
    await closed.catch(() => undefined);
    await flushRejected().catch((err: unknown) => log.warn({ err }, "quarantine copies not all confirmed at stop; the messages will be redelivered"));
    await emitter.settled();
  }

  return {
    start,
    stop,
    state: () => {
      if (!fold) throw new Error("secretariat not started");
      return fold.state;
    },
    closed,
    [Symbol.asyncDispose]: stop,
  };
}
