import { setTimeout as sleep } from "node:timers/promises";
import type { AllianceConfig } from "../../schemas/config.js";
import type { Jwks } from "../../schemas/keys.js";
import type { CaughtUp, KeyDirectory, KeyLookup } from "../bus/keys/directory.js";
import type { EncryptionDirectory, EncryptionKeyLookup } from "../bus/keys/encryption.js";
import type { EncPublicJwk } from "../../schemas/keys.js";
import type { Logger } from "../bus/core/logger.js";
import type { ConsumerMessages, JetStreamClient, JetStreamManager } from "../bus/core/nats-types.js";
import { followStream, streamInfo } from "../bus/admin/follow-stream.js";
import { StreamName } from "../bus/wire/subjects.js";
import { createFold, toStreamMessage, type Folded } from "./fold.js";
import { foundingState } from "./state/initial.js";
import { encKeyStatusAt } from "./state/lookup.js";
import { isActiveMember } from "./state/helpers.js";
import type { GovState } from "./state/types.js";
import { createStreamBarrier } from "./stream-barrier.js";

export interface LiveDirectoryDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** With `subscriber`, a catch-up waits at most half its ack wait (a waiting message is not redelivered meanwhile). */
  readonly config: Pick<AllianceConfig, "members" | "bounds"> & Partial<Pick<AllianceConfig, "subscriber">>;
  /** The founding directory (static JWKS): the trust anchor the fold starts from. */
  readonly founding: Jwks;
  readonly log: Logger;
  /** Told of every secretariat message folded. */
  readonly onFolded?: (folded: Folded) => void;
  /** How long `caughtUp` waits for the fold before answering "not caught up". Default 10 s, or half the ack wait if shorter. */
  readonly catchUpWaitMs?: number;
  /** For tests: awaited before each message is folded, so a test can hold the fold back. */
  readonly faults?: { beforeFold?(seq: number): Promise<void> | void };
}

/** How a live directory is doing, for logs, status pages and tests. */
export interface DirectoryHealth {
  /** Stream sequence of the last message folded. */
  readonly lastSeq: number;
  /** The secretariat stream's last sequence, as last read by a catch-up. */
  readonly streamLastSeq: number;
  /** streamLastSeq − lastSeq: messages the fold is known to be behind. */
  readonly behind: number;
  /** False while following the stream fails (it is retried); the last error then. */
  readonly following: boolean;
  readonly error?: string;
  /** Catch-ups that answered "not caught up": each one is a verification that waited. */
  readonly refusals: number;
  /** Since when catch-ups have been failing (ISO time); absent when the last one succeeded. */
  readonly behindSince?: string;
}

/** A KeyDirectory that follows the secretariat stream; see createLiveDirectory. */
export interface LiveDirectory extends KeyDirectory, EncryptionDirectory, AsyncDisposable {
  caughtUp(at: Date): Promise<CaughtUp>;
  /** A working group's active members now (v1.1 §1b.2 `publish({ group })`); undefined: no such group. */
  groupMembers(group: string): string[] | undefined;
  /** Resolves once every secretariat message stored when it was called has been folded. */
  ready(timeoutMs?: number): Promise<void>;
  /** Resolves once the message at stream sequence `seq` has been folded. */
  waitForSeq(seq: number, timeoutMs?: number): Promise<void>;
  /** Stream sequence of the last message folded. */
  readonly lastSeq: number;
  /** The fold's state (members and keys over time). */
  state(): Readonly<GovState>;
  health(): DirectoryHealth;
  /** Stops following the stream; lookups keep answering from the state reached, catch-ups fail. */
  close(): Promise<void>;
}

const DEFAULT_CATCH_UP_WAIT_MS = 10_000;
/** Wait before following the stream again after the follower failed. */
const REFOLLOW_MS = 1_000;

/**
 * The live key directory every verifier can use in place of the static one: it folds the signed
 * membership and key events of the secretariat stream over the founding directory, itself, with
 * the same verification and transitions as the secretariat (fold.ts). It never reads the
 * secretariat's KV views: those are written by the host and signed by no one. So a member
 * admitted by a decision whose votes do not hold is never admitted here, whatever the host
 * writes.
 *
 * It fails closed. `lookup(kid, at)` is synchronous (the KeyDirectory contract) and answers from
 * the fold's state; the verifier first asks `caughtUp(at)`, which resolves once the fold includes
 * every secretariat message stored before the message being verified reached this process: it
 * reads the stream's last sequence with a request sent after the question (so after that message
 * arrived), then waits for the fold to reach it. A governance message folded with a receive time
 * after `at` answers at once (all before it are folded). If the stream cannot be read or the fold
 * does not get there in time (follower lost, server unreachable, fold stalled), the answer is "not
 * caught up" and verification waits: a revocation stored before a message is always applied to
 * it. A message from a key admitted moments ago likewise waits for its admission to be folded.
 */
export async function createLiveDirectory(deps: LiveDirectoryDeps): Promise<LiveDirectory> {
  const log = deps.log.child({ svc: "live-directory" });
  const ackWaitMs = deps.config.subscriber ? deps.config.subscriber.ackWaitSeconds * 1000 : Infinity;
  const waitMs = deps.catchUpWaitMs ?? Math.min(DEFAULT_CATCH_UP_WAIT_MS, ackWaitMs / 2);
  const fold = await createFold({ bounds: deps.config.bounds, state: foundingState(deps.config, deps.founding) });
  // Fails here, with the server's reason, when the secretariat stream does not exist.
  await streamInfo(deps.jsm, StreamName.secretariat);
  const barrier = createStreamBarrier(async () => (await streamInfo(deps.jsm, StreamName.secretariat)).state.last_seq);
  let lastFoldedAt = -Infinity;
  let failure: Error | undefined;
  let stopped = false;
  let messages: ConsumerMessages | undefined;
  let streamLastSeq = 0;
  let refusals = 0;
  let behindSince: number | undefined;
  const waiters = new Set<{ seq: number; resolve: (reached: boolean) => void }>();

  const progressed = () => {
    for (const w of waiters) if (fold.state.lastSeq >= w.seq) (waiters.delete(w), w.resolve(true));
  };

  /** True once the fold has reached `seq`; false if `timeoutMs` passes (or the directory closes) first. */
  function whenFolded(seq: number, timeoutMs: number): Promise<boolean> {
    if (fold.state.lastSeq >= seq) return Promise.resolve(true);
    if (stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = { seq, resolve: (reached: boolean) => (clearTimeout(timer), resolve(reached)) };
      const timer = setTimeout(() => (waiters.delete(waiter), resolve(false)), timeoutMs);
      waiters.add(waiter);
    });
  }

  // Follows the stream from the message after the last folded one; after an error, again.
  const following = (async () => {
    while (!stopped) {
      try {
        messages = await followStream(deps.js, StreamName.secretariat, { fromSeq: fold.state.lastSeq + 1 });
        if (stopped) messages.stop();
        for await (const msg of messages) {
          await deps.faults?.beforeFold?.(msg.info.streamSequence);
          if (msg.info.streamSequence <= fold.state.lastSeq) continue;
          const message = toStreamMessage(msg);
          const folded = await fold.apply(message);
          lastFoldedAt = message.receivedAt.getTime();
          failure = undefined;
          progressed();
          if (!folded.verdict.ok) log.warn({ seq: folded.seq, reason: folded.verdict.reason }, "secretariat message rejected by the fold");
          deps.onFolded?.(folded);
        }
        if (!stopped) throw new Error("the secretariat stream's consumer ended");
      } catch (err) {
        if (stopped) break;
        failure = err instanceof Error ? err : new Error(String(err));
        log.error({ err }, "live directory cannot follow the secretariat stream; verifications wait until it can");
        await sleep(REFOLLOW_MS);
      }
    }
  })();

  const refuse = (detail: string): CaughtUp => {
    refusals++;
    if (behindSince === undefined) {
      behindSince = Date.now();
      log.error({ lastSeq: fold.state.lastSeq, streamLastSeq, detail }, "live directory behind the secretariat stream; verifications wait");
    }
    return { ok: false, detail };
  };

  async function caughtUp(at: Date): Promise<CaughtUp> {
    if (stopped) return refuse("the live directory is closed");
    if (lastFoldedAt > at.getTime()) return { ok: true };
    const deadline = Date.now() + waitMs;
    let target: number;
    try {
      target = await withTimeout(barrier(), waitMs);
    } catch (err) {
      return refuse(`the secretariat stream cannot be read: ${(err as Error).message}`);
    }
    streamLastSeq = Math.max(streamLastSeq, target);
    if (!(await whenFolded(target, Math.max(0, deadline - Date.now())))) {
      return refuse(`folded up to ${fold.state.lastSeq}, the secretariat stream holds ${target}${failure ? ` (following fails: ${failure.message})` : ""}`);
    }
    if (behindSince !== undefined) log.info({ lastSeq: fold.state.lastSeq }, "live directory caught up");
    behindSince = undefined;
    return { ok: true };
  }

  async function waitForSeq(seq: number, timeoutMs = 30_000): Promise<void> {
    if (!(await whenFolded(seq, timeoutMs))) {
      throw new Error(`live directory: message ${seq} not folded within ${timeoutMs} ms (at ${fold.state.lastSeq})${failure ? `: ${failure.message}` : ""}`);
    }
  }

  const close = async () => {
    stopped = true;
    messages?.stop();
    for (const w of waiters) (waiters.delete(w), w.resolve(false));
    await following;
  };

  return {
    lookup: (kid: string, at: Date): KeyLookup => fold.directory.lookup(kid, at),
    caughtUp,
    encryptionKeyOf: (member: string, at: Date) => encryptionKeyIn(fold.state, member, at),
    groupMembers: (group: string) => groupMembersIn(fold.state, group),
    async ready(timeoutMs) {
      const info = await streamInfo(deps.jsm, StreamName.secretariat);
      await waitForSeq(info.state.last_seq, timeoutMs);
    },
    waitForSeq,
    get lastSeq() {
      return fold.state.lastSeq;
    },
    state: () => fold.state,
    health: () => ({
      lastSeq: fold.state.lastSeq,
      streamLastSeq,
      behind: Math.max(0, streamLastSeq - fold.state.lastSeq),
      following: !stopped && failure === undefined,
      ...(failure ? { error: failure.message } : {}),
      refusals,
      ...(behindSince !== undefined ? { behindSince: new Date(behindSince).toISOString() } : {}),
    }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The encryption key the signed key events give `member` at `at`; the same for every member's fold. */
export function encryptionKeyIn(state: Readonly<GovState>, member: string, at: Date): EncryptionKeyLookup {
  const found = encKeyStatusAt(state, member, at.getTime());
  return found.status === "active" ? { status: "active", member, jwk: found.entry.jwk as EncPublicJwk } : found;
}

/** The active members of a working group, sorted; suspended and withdrawn ones are left out. */
export function groupMembersIn(state: Readonly<GovState>, group: string): string[] | undefined {
  const view = state.groups[group];
  return view ? Object.keys(view.members).filter((code) => isActiveMember(state, code)).sort() : undefined;
}
