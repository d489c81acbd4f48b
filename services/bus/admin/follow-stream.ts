import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type StreamInfo } from "@nats-io/jetstream";
import { nuid } from "@nats-io/transport-node";

export interface FollowStreamOptions {
  /** The ordered consumer's name begins with this, followed by a unique id. */
  readonly namePrefix?: string;
  /** Headers only (the body's size is in `Nats-Msg-Size`): for readers that never need bodies. */
  readonly headersOnly?: boolean;
  /** Start at this stream sequence instead of the first message. */
  readonly fromSeq?: number;
  /** How many messages the client buffers ahead. */
  readonly maxMessages?: number;
}

/**
 * Follows a stream from its first message (or `fromSeq`) and keeps following it, with an ordered
 * consumer (ephemeral, no acks, recreated by the client after a gap). Stop it with `stop()`.
 */
export async function followStream(js: JetStreamClient, stream: string, options: FollowStreamOptions = {}): Promise<ConsumerMessages> {
  const consumer = await js.consumers.get(stream, {
    ...(options.namePrefix ? { name_prefix: `${options.namePrefix}${nuid.next()}` } : {}),
    ...(options.headersOnly ? { headers_only: true } : {}),
    ...(options.fromSeq !== undefined && options.fromSeq > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.fromSeq } : {}),
  });
  return consumer.consume(options.maxMessages ? { max_messages: options.maxMessages } : {});
}

/** A stream's info now (its state: first and last sequence, counts); throws if it does not exist. */
export function streamInfo(jsm: JetStreamManager, stream: string, subjectsFilter?: string): Promise<StreamInfo> {
  return jsm.streams.info(stream, subjectsFilter ? { subjects_filter: subjectsFilter } : undefined);
}
