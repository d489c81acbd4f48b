import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "../core/logger.js";
import { readStream } from "./read-stream.js";

export interface Removed {
  readonly stream: string;
  readonly subject: string;
  readonly messages: number;
  readonly bytes: number;
}

/**
 * Removes every message of `stream` on `subject` (a filter such as `alliance.crime.fr.>`): what an
 * operator does after a member's flood. Message by message, never a purge with a subject filter:
 * nats-server before 2.9.15 does not give the space of a filtered purge back to the account
 * (nats-io/nats-server#3876), so the server keeps refusing publishes with "resource limits
 * exceeded" until it is restarted. Deleting by sequence keeps the accounting right on every
 * version (docs/operations.md, "After a flood"). The administrator's; idempotent.
 */
export async function removeSubjectMessages(js: JetStreamClient, jsm: JetStreamManager, stream: string, subject: string, log?: Logger): Promise<Removed> {
  const seqs: number[] = [];
  let bytes = 0;
  for await (const msg of readStream(js, jsm, stream, { filterSubject: subject })) {
    seqs.push(msg.seq);
    bytes += msg.data.length + (msg.headers?.toString().length ?? 0);
  }
  let removed = 0;
  for (const seq of seqs) {
    // `erase: false`: the space is released either way; overwriting it would only cost time.
    if (await jsm.streams.deleteMessage(stream, seq, false).catch(() => false)) removed++;
  }
  log?.info({ stream, subject, removed, bytes }, "messages removed by sequence");
  return { stream, subject, messages: removed, bytes };
}
