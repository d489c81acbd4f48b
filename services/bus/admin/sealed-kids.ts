import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { DataContentType } from "../../../schemas/protocol.js";
import { parseJsonSafely } from "../wire/safe-json.js";
import { readStream } from "./read-stream.js";

/**
 * The encryption kids of `member` that sealed events still in `streams` were sealed to (v1.1
 * §1b.1): what `alliance keys prune` must keep. It reads every stored message, signed or not: a
 * key is kept while anything names it, so pruning never makes a stored message unreadable.
 */
export async function sealedKidsInStreams(js: JetStreamClient, jsm: JetStreamManager, member: string, streams: readonly string[], readerNames?: (stream: string) => readonly string[] | undefined | Promise<readonly string[] | undefined>): Promise<Set<string>> {
  const kids = new Set<string>();
  for (const stream of streams) {
    const names = await readerNames?.(stream);
    for await (const msg of readStream(js, jsm, stream, names ? { readerNames: names } : {})) {
      const json = parseJsonSafely(msg.data, 16);
      if (!json.ok) continue;
      const body = json.value as { datacontenttype?: unknown; data?: { recipients?: { header?: { kid?: unknown } }[] } };
      if (body.datacontenttype !== DataContentType.Sealed || !Array.isArray(body.data?.recipients)) continue;
      for (const r of body.data.recipients) {
        const kid = r?.header?.kid;
        if (typeof kid === "string" && kid.startsWith(`${member}:`)) kids.add(kid);
      }
    }
  }
  return kids;
}
