import type { JetStreamClient } from "@nats-io/jetstream";
import { JetStreamApiError, JetStreamError, type PubAck } from "@nats-io/jetstream";
import { createInbox, errors, NoRespondersError, TimeoutError, type Msg, type MsgHdrs, type NatsConnection, type Subscription } from "@nats-io/transport-node";

/**
 * Request/reply for the hot path (the processed record's reads and writes, publishes): one inbox
 * subscription per connection, a counter for tokens, one sweep timer for all deadlines. nats.js's
 * own `request` builds a `RequestOne` with its timer, a `Promise.race`, and a `RequestError`
 * (a captured stack) in `cancel()` after *every* successful request, `noAsyncTraces` or not:
 * about 30 µs of CPU per request on this machine (docs/performance.md). The failures are the
 * client's own classes, so `isTransient` judges them as before: `TimeoutError` when no answer
 * came in time, `NoRespondersError` for a 503 status, a `PermissionViolationError` the server
 * reports for the request's subject, `RequestError` when the connection closes.
 */
export interface Requester {
  request(subject: string, data: Uint8Array | string, options?: { readonly headers?: MsgHdrs; readonly timeoutMs?: number }): Promise<Msg>;
}

interface Pending {
  readonly subject: string;
  readonly deadline: number;
  readonly resolve: (msg: Msg) => void;
  readonly reject: (err: unknown) => void;
}

const SWEEP_MS = 100;
const DEFAULT_TIMEOUT_MS = 10_000;

const requesters = new WeakMap<NatsConnection, Requester>();

/** The connection behind a JetStream client (nats.js keeps it as `nc`); undefined if it is not there. */
export function connectionOf(js: JetStreamClient): NatsConnection | undefined {
  const nc = (js as unknown as { nc?: NatsConnection }).nc;
  return nc && typeof nc.publish === "function" && typeof nc.subscribe === "function" ? nc : undefined;
}

/** The requester of `nc`, made on first use; a new one once the connection's subscription closed. */
export function requesterFor(nc: NatsConnection): Requester {
  let requester = requesters.get(nc);
  if (!requester) {
    requester = createRequester(nc, () => requesters.delete(nc));
    requesters.set(nc, requester);
  }
  return requester;
}

function createRequester(nc: NatsConnection, onClosed: () => void): Requester {
  const inboxPrefix = (nc as unknown as { options?: { inboxPrefix?: string } }).options?.inboxPrefix;
  const base = `${createInbox(inboxPrefix)}.`;
  const pending = new Map<string, Pending>();
  let next = 0;
  let sweeper: NodeJS.Timeout | undefined;

  const settle = (token: string, err: unknown, msg?: Msg) => {
    const p = pending.get(token);
    if (!p) return;
    pending.delete(token);
    if (err) p.reject(err);
    else p.resolve(msg!);
  };
  const sub: Subscription = nc.subscribe(`${base}*`, {
    callback: (err, msg) => {
      if (err) return; // the subscription is closing: `closed` below rejects what is pending
      const token = msg.subject.slice(base.length);
      const p = pending.get(token);
      if (!p) return;
      // A status 503 with no body: nothing subscribes to the request's subject.
      settle(token, msg.data.length === 0 && msg.headers?.code === 503 ? new NoRespondersError(p.subject) : undefined, msg);
    },
  });
  void sub.closed.then(() => {
    onClosed();
    for (const token of [...pending.keys()]) settle(token, new errors.RequestError("connection closed"));
  });
  // A publish the server refuses is reported on the connection, by subject.
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type !== "error" || !(status.error instanceof errors.PermissionViolationError) || status.error.operation !== "publish") continue;
      for (const [token, p] of [...pending]) if (p.subject === status.error.subject) settle(token, status.error);
    }
  })().catch(() => undefined);

  const sweep = () => {
    const now = Date.now();
    for (const [token, p] of [...pending]) if (p.deadline <= now) settle(token, new TimeoutError());
    if (pending.size === 0 && sweeper) clearInterval(sweeper), (sweeper = undefined);
  };

  return {
    request(subject, data, options = {}) {
      return new Promise<Msg>((resolve, reject) => {
        if (nc.isClosed()) return reject(new errors.ClosedConnectionError());
        const token = (next++).toString(36);
        pending.set(token, { subject, deadline: Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS), resolve, reject });
        if (!sweeper) {
          sweeper = setInterval(sweep, SWEEP_MS);
          sweeper.unref();
        }
        try {
          nc.publish(subject, data, { reply: base + token, ...(options.headers ? { headers: options.headers } : {}) });
        } catch (err) {
          settle(token, err);
        }
      });
    },
  };
}

/**
 * The JSON of a JetStream API answer; its `error`, if any, thrown as the client's
 * `JetStreamApiError` (code and status kept, so quota refusals and 503s are judged as before).
 */
export function parseApiReply<T>(msg: Msg, parsed?: unknown): T {
  const value = (parsed ?? JSON.parse(msg.string())) as { error?: ConstructorParameters<typeof JetStreamApiError>[0] } & T;
  if (value.error) throw new JetStreamApiError(value.error);
  return value;
}

/**
 * `js.publish(subject, data, { headers, timeout })` through the light requester: the same request,
 * the same acknowledgement (`stream`, `seq`, `duplicate`), the same errors (a refusal is the
 * client's `JetStreamApiError` with its code; no responders is `NoRespondersError`, which
 * `isTransient` and `isNoResponders` know). The client's own path where the connection is not
 * reachable or a JetStream domain is in use.
 */
export async function publishToStream(js: JetStreamClient, subject: string, data: Uint8Array, options: { readonly headers: MsgHdrs; readonly timeoutMs: number }): Promise<PubAck> {
  const nc = connectionOf(js);
  if (!nc || js.apiPrefix !== "$JS.API") return js.publish(subject, data, { headers: options.headers, timeout: options.timeoutMs, retries: 1 });
  const ack = parseApiReply<PubAck>(await requesterFor(nc).request(subject, data, options));
  if (!ack.stream) throw new JetStreamError("invalid ack response");
  return { ...ack, duplicate: ack.duplicate ?? false };
}
