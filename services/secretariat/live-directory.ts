import { setTimeout as sleep } from "node:timers/promises";
import type { ConsumerMessages, JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { AllianceConfig } from "../../schemas/config.js";
import type { Jwks } from "../../schemas/keys.js";
import type { KeyDirectory, KeyLookup } from "../bus/keys/directory.js";
import type { EncryptionDirectory, EncryptionKeyLookup } from "../bus/keys/encryption.js";
import type { EncPublicJwk } from "../../schemas/keys.js";
import type { Logger } from "../bus/core/logger.js";
import { StreamName } from "../bus/wire/subjects.js";
import { createFold, toStreamMessage, type Folded } from "./fold.js";
import { foundingState } from "./state/initial.js";
import { encKeyStatusAt } from "./state/lookup.js";
import { isActiveMember } from "./state/helpers.js";
import type { GovState } from "./state/types.js";

export interface LiveDirectoryDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly config: Pick<AllianceConfig, "members" | "bounds">;
  /** The founding directory (static JWKS): the trust anchor the fold starts from. */
  readonly founding: Jwks;
  readonly log: Logger;
  /** Told of every secretariat message folded. */
  readonly onFolded?: (folded: Folded) => void;
}

/** A KeyDirectory that follows the secretariat stream; see createLiveDirectory. */
export interface LiveDirectory extends KeyDirectory, EncryptionDirectory, AsyncDisposable {
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
  /** Stops following the stream; lookups keep answering from the state reached. */
  close(): Promise<void>;
}

/**
 * The live key directory every verifier can use in place of the static one: it folds the signed
 * membership and key events of the secretariat stream over the founding directory, itself, with
 * the same verification and transitions as the secretariat (fold.ts). It never reads the
 * secretariat's KV views: those are written by the host and signed by no one. So a member
 * admitted by a decision whose votes do not hold is never admitted here, whatever the host
 * writes.
 *
 * `lookup(kid, at)` is synchronous (the KeyDirectory contract) and answers from the fold's
 * state; `at` is the receive time of the message being verified. A message from a key admitted
 * moments ago may reach a verifier before its directory has folded the admission: it is then
 * quarantined as unknown-key (and kept there), so publishers of a newly admitted member start
 * once `waitForSeq(decision)` or a verifier's view says the key is active.
 */
export async function createLiveDirectory(deps: LiveDirectoryDeps): Promise<LiveDirectory> {
  const log = deps.log.child({ svc: "live-directory" });
  const fold = await createFold({ bounds: deps.config.bounds, state: foundingState(deps.config, deps.founding) });
  // Fails here, with the server's reason, when the secretariat stream does not exist.
  await deps.jsm.streams.info(StreamName.secretariat);
  const consumer = await deps.js.consumers.get(StreamName.secretariat);
  const messages: ConsumerMessages = await consumer.consume();
  let failure: unknown;

  const following = (async () => {
    for await (const msg of messages) {
      const folded = await fold.apply(toStreamMessage(msg));
      if (!folded.verdict.ok) log.warn({ seq: folded.seq, reason: folded.verdict.reason }, "secretariat message rejected by the fold");
      deps.onFolded?.(folded);
    }
  })().catch((err: unknown) => {
    failure = err;
    log.error({ err }, "live directory stopped following the secretariat stream");
  });

  async function waitForSeq(seq: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (fold.state.lastSeq < seq) {
      if (failure) throw failure;
      if (Date.now() > deadline) throw new Error(`live directory: message ${seq} not folded within ${timeoutMs} ms (at ${fold.state.lastSeq})`);
      await sleep(10);
    }
  }

  const close = async () => {
    messages.stop();
    await following;
  };

  return {
    lookup: (kid: string, at: Date): KeyLookup => fold.directory.lookup(kid, at),
    encryptionKeyOf: (member: string, at: Date) => encryptionKeyIn(fold.state, member, at),
    groupMembers: (group: string) => groupMembersIn(fold.state, group),
    async ready(timeoutMs) {
      const info = await deps.jsm.streams.info(StreamName.secretariat);
      await waitForSeq(info.state.last_seq, timeoutMs);
    },
    waitForSeq,
    get lastSeq() {
      return fold.state.lastSeq;
    },
    state: () => fold.state,
    close,
    [Symbol.asyncDispose]: close,
  };
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
