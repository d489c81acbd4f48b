import type { ConsumerInfo, JetStreamManager, StreamInfo } from "@nats-io/jetstream";

/**
 * One stream's info and the info of every consumer on it: read-only requests, what a monitor
 * samples. `subjectsFilter` adds per-subject counts to the stream's state.
 */
export async function sampleStreamInfo(jsm: JetStreamManager, stream: string, subjectsFilter?: string): Promise<{ info: StreamInfo; consumers: ConsumerInfo[] }> {
  const info = await jsm.streams.info(stream, subjectsFilter ? { subjects_filter: subjectsFilter } : undefined);
  const consumers: ConsumerInfo[] = [];
  for await (const ci of jsm.consumers.list(stream)) consumers.push(ci);
  return { info, consumers };
}
