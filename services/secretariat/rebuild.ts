import type { AllianceConfig } from "../../schemas/config.js";
import type { Jwks } from "../../schemas/keys.js";
import type { JetStreamClient, JetStreamManager } from "../bus/core/nats-types.js";
import { readStream } from "../bus/admin/read-stream.js";
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
}

/**
 * Folds messages (in stream order) over the founding state: the views they yield. Pure apart
 * from signature verification; the same function the service applies one message at a time.
 */
export async function rebuildViews(messages: Iterable<StreamMessage> | AsyncIterable<StreamMessage>, deps: RebuildDeps): Promise<GovState> {
  const fold = await createFold({ bounds: deps.config.bounds, state: foundingState(deps.config, deps.founding) });
  for await (const msg of messages) {
    const folded = await fold.apply(msg);
    deps.onFolded?.(folded, msg);
  }
  return fold.state;
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
