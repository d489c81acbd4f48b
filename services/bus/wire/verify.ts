import type { webcrypto } from "node:crypto";
import type { Bounds } from "../../../schemas/config.js";
import type { AllianceEvent } from "../../../schemas/envelope.js";
import { parseEvent } from "../../../schemas/registry.js";
import { ErrorCode, TransientError } from "../core/errors.js";
import { memberOfKid, type KeyDirectory } from "../keys/directory.js";
import { Header } from "./headers.js";
import { parseSignatureHeader, verifyDetached, verifyDetachedNative, type ParsedSignature, type SignatureEngine } from "./jws.js";
import { policyProblem, type PolicyRule } from "./policy.js";
import { Reason } from "./reasons.js";
import { parseJsonSafely } from "./safe-json.js";
import { derivedSubject } from "./subjects.js";
import { createBacklogSignatureCheck } from "./signature-pool.js";

/** A message as it came off a stream; `receivedAt` is the stream's own timestamp. */
export interface IncomingMessage {
  readonly subject: string;
  readonly body: Uint8Array;
  header(name: string): string | undefined;
  readonly receivedAt: Date;
}

export type Verdict =
  | { ok: true; event: AllianceEvent; kid: string; sealed?: SealedInfo }
  | { ok: false; reason: Reason; detail: string };

/** v1.1 §1b.2: how a sealed event reached this recipient (set by the unseal step, consume/unseal.ts). */
export interface SealedInfo {
  readonly recipients: readonly string[];
  /** The recipient's encryption key that opened it. */
  readonly kid: string;
}

export interface VerifierDeps {
  /** Extra handling-policy rules (v1.1 §1b.3), e.g. the derivedfrom consent rule. */
  readonly policy?: readonly PolicyRule[];
  readonly bounds: Pick<Bounds, "maxBodyBytes" | "maxDepth" | "skewSeconds">;
  readonly directory: KeyDirectory;
  /** The verifier's clock, for `expires`; tests pass a fixed one. */
  readonly now?: () => Date;
  /**
   * Who checks the Ed25519 arithmetic (check 5): by default libsodium, on the main thread for a
   * message that comes alone and on a worker thread when a backlog exists ("backlog", the
   * process's one `createBacklogSignatureCheck`); "native" always on the main thread; jose as the
   * reference; or a function (a rebuild's pool, signature-pool.ts). Only the arithmetic: the
   * header, the key lookup and every other check stay here, in this order.
   */
  readonly engine?: SignatureEngine | "backlog" | SignatureCheck;
}

/** Does `sig` hold over the exact `body` under `key`? Never throws. */
export type SignatureCheck = (body: Uint8Array, sig: ParsedSignature, key: webcrypto.CryptoKey) => boolean | Promise<boolean>;

export type Verifier = (msg: IncomingMessage) => Promise<Verdict>;

const reject = (reason: Reason, detail: string): Verdict => ({ ok: false, reason, detail });

/**
 * Checks 1–8 of docs/protocol.md §5, in that order. Throws TransientError (ERR_DIRECTORY_BEHIND),
 * the one exception it raises on purpose, when the directory cannot answer yet (check 4). The signature is checked over the exact
 * bytes before anything parses the body; check 9 (duplicates) belongs to the subscriber,
 * which knows what it has processed.
 */
export function createVerifier({ bounds, directory, now = () => new Date(), engine = "backlog", policy = [] }: VerifierDeps): Verifier {
  const skewMs = bounds.skewSeconds * 1000;
  const signatureHolds: SignatureCheck = typeof engine === "function" ? engine : engine === "jose" ? verifyDetached : engine === "backlog" ? backlogCheck() : verifyDetachedNative;

  /**
   * Checks 1–8, `stage` naming the check in progress. Each check is total on its own; should one
   * still throw (a library's bug, an input nobody foresaw), the message gets the verdict of the
   * check that could not complete, with the exception's message as detail, instead of an
   * exception that would leave the consumer redelivering it for ever.
   */
  async function checks(msg: IncomingMessage, at: { stage: Reason }): Promise<Verdict> {
    if (msg.body.length > bounds.maxBodyBytes) return reject(Reason.Oversize, `${msg.body.length} bytes > ${bounds.maxBodyBytes}`);

    at.stage = Reason.BadSignatureHeader;
    const signature = msg.header(Header.Signature);
    if (!signature) return reject(Reason.Unsigned, `no ${Header.Signature} header`);
    const sig = parseSignatureHeader(signature);
    if (!sig.ok) return reject(Reason.BadSignatureHeader, sig.detail);
    const { kid } = sig.value.header;

    at.stage = Reason.UnknownKey;
    // Fail closed: a directory that has not caught up with its stream is not asked (and no verdict
    // is reached); the caller retries later (the subscriber naks with delay).
    const current = directory.caughtUp ? await directory.caughtUp(msg.receivedAt) : undefined;
    if (current && !current.ok) throw new TransientError(ErrorCode.DirectoryBehind, `key directory not caught up for ${kid} at ${msg.receivedAt.toISOString()}: ${current.detail}`);
    const found = directory.lookup(kid, msg.receivedAt);
    if (found.status === "unknown") return reject(Reason.UnknownKey, `kid ${kid} is not in the directory`);
    if (found.status === "revoked") return reject(Reason.KeyRevoked, `kid ${kid} was revoked before ${msg.receivedAt.toISOString()}`);
    if (found.status === "inactive") return reject(Reason.OriginInactive, `member ${found.member} is not active`);

    at.stage = Reason.BadSignature;
    if (!(await signatureHolds(msg.body, sig.value, found.key))) return reject(Reason.BadSignature, `signature does not verify with ${kid}`);

    at.stage = Reason.Malformed;
    const json = parseJsonSafely(msg.body, bounds.maxDepth);
    if (!json.ok) return reject(Reason.Malformed, json.detail);
    at.stage = Reason.Schema;
    const parsed = parseEvent(json.value);
    if (!parsed.success) return reject(Reason.Schema, parsed.error);
    const event = parsed.event;

    if (memberOfKid(kid) !== event.source) return reject(Reason.KeyMismatch, `kid ${kid} does not belong to source ${event.source}`);
    const expected = derivedSubject(event.type, event.source);
    if (msg.subject !== expected) return reject(Reason.SubjectMismatch, `subject ${msg.subject}, body says ${expected}`);
    const msgId = msg.header(Header.MsgId);
    if (msgId !== event.id) return reject(Reason.IdMismatch, `${Header.MsgId} ${msgId ?? "(none)"} differs from id ${event.id}`);

    const signedAt = Date.parse(event.time);
    if (Math.abs(signedAt - msg.receivedAt.getTime()) > skewMs) {
      return reject(Reason.Stale, `time ${event.time} is more than ${bounds.skewSeconds}s from receipt ${msg.receivedAt.toISOString()}`);
    }
    if (event.expires && Date.parse(event.expires) <= now().getTime()) return reject(Reason.Expired, `expired at ${event.expires}`);

    // v1.1 §1b.3, re-checked on receipt: the envelope is signed, so everyone reaches one verdict.
    const problem = policyProblem(event, policy);
    if (problem) return reject(Reason.Policy, problem);

    return { ok: true, event, kid };
  }

  return async function verifyMessage(msg) {
    const at: { stage: Reason } = { stage: Reason.Oversize };
    try {
      return await checks(msg, at);
    } catch (err) {
      // "Cannot answer yet" is not a verdict: the message is verified again later (fail closed).
      if (err instanceof TransientError) throw err;
      return reject(at.stage, `check could not complete: ${describe(err)}`);
    }
  };
}

let sharedBacklogCheck: SignatureCheck | undefined;
/** One for the process: its workers (started on the first backlog) serve every verifier. */
function backlogCheck(): SignatureCheck {
  return (sharedBacklogCheck ??= createBacklogSignatureCheck());
}

/** An exception's message, bounded; never its stack. */
function describe(err: unknown): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return message.slice(0, 300);
}
