import type { TrackingConfig } from "../../schemas/tracking.js";
import { ControlKind, PriorityChannel, type Lang } from "../../schemas/protocol.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import type { Bounds, SubscriberConfig } from "../../schemas/config.js";
import { openJsonView, type JsonView } from "../bus/admin/json-view.js";
import { readStream } from "../bus/admin/read-stream.js";
import { openProcessedRecord } from "../bus/consume/idempotency.js";
import { subscribe, type Handler, type Rejection, type Subscription } from "../bus/consume/subscriber.js";
import type { Publisher } from "../bus/publish/publisher.js";
import type { Verifier } from "../bus/wire/verify.js";
import type { JsMsg } from "../bus/core/nats-types.js";
import type { AllianceEvent } from "../../schemas/envelope.js";
import { DataContentType } from "../../schemas/protocol.js";
import { withUnseal } from "../bus/consume/unseal.js";
import type { PrivateKeyring } from "../bus/wire/jwe.js";
import { ownPlaintext, type SentLog } from "./sent.js";
import { streamForChannel } from "../bus/wire/subjects.js";
import { TRACKING_BUCKET, trackingConsumerName } from "./bucket.js";
import { createTrackingClient, type TrackingClient } from "./client.js";
import { policyViolation } from "./policy.js";
import { applyTracked, emptyTracking, foldEnvelope, isContentKind, type StoredAt, type TrackingState } from "./state.js";
import { recallsView, receiptsView, requestsView, type RecallView, type ReceiptsView, type RequestView } from "./views.js";
import { withTracking, type RetractHook } from "./wrap.js";


/** Whether the subscriber hands `event` to this member's handler: not sealed to others, not restricted to others. */
function forMember(event: AllianceEvent, member: string): boolean {
  return event.datacontenttype !== DataContentType.Sealed && !(event.recipients && !event.recipients.includes(member));
}

/** What the views written to the broker say instead of a sealed request's subject. */
export const SEALED_SUBJECT = "(sealed)";

export interface TrackingDeps {
  readonly bus: Pick<Bus, "js" | "jsm">;
  readonly member: string;
  readonly lang: Lang;
  readonly verify: Verifier;
  readonly log: Logger;
  readonly config: TrackingConfig;
  readonly subscriber: SubscriberConfig;
  readonly bounds: Pick<Bounds, "replicas" | "streamMaxAgeDays" | "maxDepth">;
  /**
   * This member's encryption keyring (`<code>.enc.jwk`, v1.1 §1b.1): what is sealed to it is
   * opened after the checks (withUnseal). Without it, everything sealed is skipped, as for a
   * non-recipient: the member's state would lack its requests, receipts and consents.
   */
  readonly keyring?: PrivateKeyring;
  /** The plaintext of this member's own sealed events (sent.ts): the client writes it, a rebuild reads it. */
  readonly sent?: SentLog;
  /** Publishes this member's requests, responses and receipts (with sealing deps: they are sealed); without it the service only reads. */
  readonly publisher?: Publisher;
}

export interface TrackingStartOptions {
  /** The application's handler: every event this member reads, after the policy checks. */
  readonly handler: Handler;
  readonly onRetract?: RetractHook;
  readonly onRejected?: (rejection: Rejection) => void;
  /** The durable consumer on each priority stream; default `<member>-tracking` (trackingConsumerName). */
  readonly durable?: string;
}

export interface MemberViews {
  readonly member: string;
  readonly at: string;
  readonly requests: RequestView[];
  readonly recalls: RecallView[];
  /** This member's own restricted events (content and requests) with their recipients' receipts, oldest first. */
  readonly receipts: ReceiptsView[];
}

export interface Tracking extends AsyncDisposable {
  readonly state: TrackingState;
  readonly client: TrackingClient | undefined;
  /**
   * Folds what the priority streams hold now, checked as a subscriber would (restart: the views
   * come back). `readerNames` gives the reader-consumer names this identity may use on a stream
   * (a secured server, docs/security.md); without it the server names the reader.
   */
  rebuild(options?: { readerNames?: (stream: string) => readonly string[] | undefined | Promise<readonly string[] | undefined> }): Promise<number>;
  /** Subscribes to the three priority channels through withTracking. */
  start(options: TrackingStartOptions): Promise<Subscription[]>;
  views(now: number): MemberViews;
  /** Writes the views to KV, for the monitor and the CLI. */
  publishViews(now: number): Promise<MemberViews>;
  stop(): Promise<void>;
}

/**
 * One member's tracking (v1.1 §1b.4): its state folded from the priority streams, the SDK client
 * that publishes against it, and its views. Deadlines and levels are computed for a `now` the
 * caller passes: the views never read a clock of their own.
 */
export function createTracking(deps: TrackingDeps): Tracking {
  const { bus, member, log } = deps;
  // Every subscriber acting for this member opens what is sealed to it (v1.1 §1b.2, steps 10–12).
  const opening = deps.keyring ? withUnseal(deps.verify, { member, keyring: deps.keyring, bounds: deps.bounds }) : deps.verify;
  const state = emptyTracking();
  // What is restricted to others the subscriber acks without a handler; its signed envelope is
  // still folded here, at the check (one message at a time, in stream order), so that this member
  // knows whose it is and refuses a retract of it by anyone else (v1.1 R.5, R.5a).
  const verify: Verifier = async (msg) => {
    const verdict = await opening(msg);
    // Its own are folded by the client as it publishes them, with their plaintext (not here: an
    // envelope folded first would keep the plaintext out).
    if (verdict.ok && verdict.event.source !== member && !forMember(verdict.event, member)) foldOthers(verdict.event);
    return verdict;
  };
  const foldOthers = (event: AllianceEvent, at?: StoredAt) => {
    if (!policyViolation(state, event, member)) foldEnvelope(state, event, at);
  };
  const client = deps.publisher ? createTrackingClient({ member, lang: deps.lang, publisher: deps.publisher, state, config: deps.config, ...(deps.sent ? { sent: deps.sent } : {}) }) : undefined;
  const subscriptions: Subscription[] = [];
  let view: JsonView | undefined;

  const views = (now: number): MemberViews => ({
    member,
    at: new Date(now).toISOString(),
    requests: requestsView(state, now, member, deps.config.warnRatio),
    recalls: recallsView(state, now, deps.config.recallDeadlineSeconds, member),
    receipts: [...state.events.values()]
      .filter((e) => e.source === member && e.recipients && !e.tombstone && (isContentKind(e.kind) || e.kind === ControlKind.enum.request))
      .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1))
      .map((e) => receiptsView(state, e.id)),
  });

  const stop = async () => {
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
  };

  return {
    state,
    client,
    async rebuild(options = {}) {
      let folded = 0;
      const streams = await Promise.all(PriorityChannel.options.map(async (channel) => {
        const stream = streamForChannel(channel);
        const readerNames = await options.readerNames?.(stream);
        return { stream, read: () => readStream(bus.js, bus.jsm, stream, readerNames ? { readerNames } : {}) };
      }));
      const check = (msg: JsMsg, verifier: Verifier) => verifier({ subject: msg.subject, body: msg.data, header: (n) => msg.headers?.get(n) || undefined, receivedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)) });
      // The streams are folded one after another, so an event on a later stream comes after
      // everything on an earlier one, whenever it was stored. An id is its originator's, and the
      // originator's event is the first stored with it (another member can only copy an id it has
      // read): first, which origin stored each id first, across the three streams; an event under
      // an id another origin stored earlier is then not folded (test/integration/attack-retract-cross-channel.test.ts).
      const owners = new Map<string, { source: string; at: number }>();
      for (const { read } of streams) {
        for await (const msg of read()) {
          const verdict = await check(msg, deps.verify);
          if (!verdict.ok) continue;
          const at = msg.info.timestampNanos;
          const first = owners.get(verdict.event.id);
          if (!first || at < first.at) owners.set(verdict.event.id, { source: verdict.event.source, at });
        }
      }
      for (const { read } of streams) {
        for await (const msg of read()) {
          const verdict = await check(msg, opening);
          if (!verdict.ok) continue;
          if (owners.get(verdict.event.id)?.source !== verdict.event.source) continue;
          // Its own sealed events: the plaintext it signed, from its own side (metadata only without it).
          const e = ownPlaintext(verdict.event, member, deps.sent);
          const at = { stream: msg.info.stream, seq: msg.info.streamSequence };
          if (e.recipients && !e.recipients.includes(member) && e.source !== member) {
            foldOthers(e, at);
            continue;
          }
          if (policyViolation(state, e, member)) continue;
          applyTracked(state, e, at);
          folded++;
        }
      }
      log.info({ member, folded }, "tracking state rebuilt from the streams");
      return folded;
    },
    async start(options) {
      const handler = withTracking(options.handler, {
        member, state, autoReceipts: deps.config.autoReceipts,
        ...(client ? { receipts: client } : {}), ...(options.onRetract ? { onRetract: options.onRetract } : {}),
      });
      for (const channel of PriorityChannel.options) {
        subscriptions.push(await subscribe({
          js: bus.js, jsm: bus.jsm, log, member, verify, handler,
          consumer: { stream: streamForChannel(channel), durable: options.durable ?? trackingConsumerName(member), startFrom: "all", settings: deps.subscriber },
          processed: (name) => openProcessedRecord(bus.js, name, deps.bounds),
          ...(options.onRejected ? { onRejected: options.onRejected } : {}),
          // The policy checks judge each event against the state the stream's earlier events made
          // (a receipt after its original): handled one at a time, in stream order.
          readAhead: 1,
        }));
      }
      return subscriptions;
    },
    views,
    async publishViews(now) {
      const v = views(now);
      view ??= await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: deps.bounds.replicas });
      // The bucket is on the broker, read by the host's monitor: a sealed request's subject is for
      // its recipients only (§1b.2), so the view written there does not carry it.
      await view.put(`${member}.requests`, v.requests.map((r) => (state.events.get(r.id)?.recipients ? { ...r, subject: SEALED_SUBJECT } : r)));
      await view.put(`${member}.recalls`, v.recalls);
      // Receipts about a restricted event are sealed to its originator: the host's monitor gets
      // who has sent none (missing) and who has applied a retract, not what each receipt said.
      await view.put(`${member}.receipts`, v.receipts.map((r) => ({ ...r, members: r.members.map((m) => ({ member: m.member, history: [] })) })));
      return v;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
