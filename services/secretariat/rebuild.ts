import type { AllianceConfig } from "../../schemas/config.js";
import type { Jwks } from "../../schemas/keys.js";
import type { JetStreamClient, JetStreamManager } from "../bus/core/nats-types.js";
import { readStream } from "../bus/admin/read-stream.js";
import { Header } from "../bus/wire/headers.js";
import { parseSignatureHeader, verifyDetachedNative } from "../bus/wire/jws.js";
import { createSignaturePool, type SignaturePool } from "../bus/wire/signature-pool.js";
import { StreamName } from "../bus/wire/subjects.js";
import { createFold, toStreamMessage, type Folded, type StreamMessage } from "./fold.js";
import { foundingState } from "./state/initial.js";
import type { GovState } from "./state/types.js";

/** What a rebuild needs besides the stream: the alliance's config and the founding directory. */
export interface RebuildDeps {
  readonly config: Pick<AllianceConfig, "members" | "bounds">;
  /** The founding directory (the static JWKS): the trust anchor every replay starts from. */
  readonly founding: Jwks;
  /** Told of every message folded, in order: what an audit reports. */
  readonly onFolded?: (folded: Folded, msg: StreamMessage) => void;
  /** Worker threads verifying signatures ahead of the fold; 0: all on the event loop. Default: cores - 1. */
  readonly workers?: number;
}

/** Messages read ahead of the fold, their signatures checked meanwhile on the pool's threads. */
const VERIFY_AHEAD = 1024;
/** Workers start only for a stream at least this long: below it, starting them costs more than they save. */
const POOL_AFTER = 512;

/**
 * Folds messages (in stream order) over the founding state: the views they yield. Pure apart
 * from signature verification; the same function the service applies one message at a time.
 * The fold stays sequential; the Ed25519 arithmetic of the next VERIFY_AHEAD messages runs on
 * worker threads meanwhile (one pool for the whole rebuild, signature-pool.ts), against the key
 * the fold's directory has for the kid when the message is read. The verifier uses that answer
 * only if the fold, when it reaches the message, looks up the same key; otherwise (a key the
 * messages in between added or changed) it verifies on the main thread.
 */
export async function rebuildViews(messages: Iterable<StreamMessage> | AsyncIterable<StreamMessage>, deps: RebuildDeps): Promise<GovState> {
  let pool: SignaturePool | undefined;
  let read = 0;
  try {
    const fold = await createFold({
      bounds: deps.config.bounds, state: foundingState(deps.config, deps.founding),
      engine: (body, sig, key) => (pool ? pool.check(body, sig, key) : verifyDetachedNative(body, sig, key)),
    });
    const ahead: StreamMessage[] = [];
    const submit = (msg: StreamMessage) => {
      if (!pool) return;
      const header = msg.header(Header.Signature);
      const sig = header === undefined ? undefined : parseSignatureHeader(header);
      if (!sig?.ok) return;
      const found = fold.directory.lookup(sig.value.header.kid, msg.receivedAt);
      if (found.status === "active") pool.submit(msg.body, sig.value, found.key);
    };
    const foldOne = async (msg: StreamMessage) => {
      const folded = await fold.apply(msg);
      deps.onFolded?.(folded, msg);
    };
    for await (const msg of messages) {
      if (++read === POOL_AFTER && deps.workers !== 0) pool = createSignaturePool(deps.workers);
      submit(msg);
      ahead.push(msg);
      if (ahead.length >= VERIFY_AHEAD) await foldOne(ahead.shift()!);
    }
    for (const msg of ahead) await foldOne(msg);
    return fold.state;
  } finally {
    await pool?.close();
  }
}

/**
 * Reads the secretariat stream from its first message (up to `untilSeq`, when given) and folds
 * it: the views any member can compute for itself, to compare with `readViews`.
 *
 * @example expect(await rebuildFromStream(bus, { config, founding })).toEqual(await readViews(bus.js))
 */
export async function rebuildFromStream(
  bus: { js: JetStreamClient; jsm: JetStreamManager },
  deps: RebuildDeps & { untilSeq?: number; readerNames?: readonly string[] },
): Promise<GovState> {
  async function* messages(): AsyncGenerator<StreamMessage> {
    for await (const msg of readStream(bus.js, bus.jsm, StreamName.secretariat, deps.readerNames ? { readerNames: deps.readerNames } : {})) {
      if (deps.untilSeq !== undefined && msg.info.streamSequence > deps.untilSeq) return;
      yield toStreamMessage(msg);
    }
  }
  return rebuildViews(messages(), deps);
}
