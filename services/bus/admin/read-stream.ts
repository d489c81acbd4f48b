import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { addNamedReader } from "./consumer.js";

export interface ReadStreamOptions {
  readonly filterSubject?: string;
  /** Start at this stream sequence instead of the first message. */
  readonly fromSeq?: number;
  readonly batch?: number;
  /** Names the reader consumer may take (an identity's reader pool); by default the server names it. */
  readonly readerNames?: readonly string[];
}

/**
 * Reads what a stream holds now, in order, and ends at the last message: an ephemeral consumer
 * without acks, removed when the reader finishes. For rebuilds, reports and audits.
 */
export async function* readStream(js: JetStreamClient, jsm: JetStreamManager, stream: string, options: ReadStreamOptions = {}): AsyncGenerator<JsMsg> {
  const config = {
    ack_policy: AckPolicy.None,
    ...(options.fromSeq ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.fromSeq } : { deliver_policy: DeliverPolicy.All }),
    inactive_threshold: nanos(60_000),
    mem_storage: true,
    ...(options.filterSubject ? { filter_subject: options.filterSubject } : {}),
  };
  const info = options.readerNames ? await addNamedReader(jsm, stream, config, options.readerNames) : await jsm.consumers.add(stream, config);
  try {
    let remaining = info.num_pending;
    const consumer = await js.consumers.get(stream, info.name);
    while (remaining > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(options.batch ?? 1000, remaining), expires: 5_000 });
      let got = 0;
      for await (const msg of batch) {
        got++;
        remaining = msg.info.pending;
        yield msg;
      }
      if (got === 0) break;
    }
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => undefined);
  }
}
