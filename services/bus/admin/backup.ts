import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { createInbox, type NatsConnection } from "@nats-io/transport-node";
import type { StreamConfig, StreamState } from "@nats-io/jetstream";
import { AllianceError, ErrorCode } from "../core/errors.js";

/**
 * Stream backups through JetStream's own snapshot API (what `nats stream backup` does): a
 * snapshot is consistent, includes the stream's consumers, and is taken while the cluster serves
 * traffic. The snapshot (the server's compressed archive, kept as it comes) goes to
 * `<dir>/<stream>.snapshot`, the stream's config and state to `<dir>/<stream>.json`. Restoring
 * needs the stream to be absent. Administrator only (docs/security.md).
 */

const API = "$JS.API.STREAM";
const CHUNK_BYTES = 128 * 1024;
const REQUEST_MS = 30_000;

interface ApiReply { error?: { code: number; err_code?: number; description: string } }
interface SnapshotReply extends ApiReply { config: StreamConfig; state: StreamState }

function parse<T extends ApiReply>(data: Uint8Array, what: string): T {
  const reply = JSON.parse(new TextDecoder().decode(data)) as T;
  if (reply.error) {
    const code = reply.error.err_code === 10059 ? ErrorCode.NoStream : ErrorCode.BackupFailed;
    throw new AllianceError(code, `${what}: ${reply.error.description} (${reply.error.err_code ?? reply.error.code})`);
  }
  return reply;
}

export interface BackupOutcome { readonly stream: string; readonly messages: number; readonly bytes: number; readonly file: string }

/** Snapshots `stream` into `dir`. `inboxPrefix` is this identity's (the only inbox it may read). */
export async function backupStream(nc: NatsConnection, stream: string, dir: string, inboxPrefix?: string): Promise<BackupOutcome> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${stream}.snapshot`);
  const deliver = createInbox(inboxPrefix);
  const sub = nc.subscribe(deliver);
  const out = createWriteStream(file, { mode: 0o600 });
  const reply = parse<SnapshotReply>((await nc.request(`${API}.SNAPSHOT.${stream}`, JSON.stringify({ deliver_subject: deliver, chunk_size: CHUNK_BYTES }), { timeout: REQUEST_MS })).data, `snapshot of ${stream}`);
  let bytes = 0;
  for await (const msg of sub) {
    // An empty message ends the snapshot; a status header is the server giving up.
    const status = msg.headers?.code;
    if (status && status >= 400) throw new AllianceError(ErrorCode.BackupFailed, `snapshot of ${stream} failed: ${msg.headers?.description ?? status}`);
    if (msg.data.length === 0) break;
    bytes += msg.data.length;
    if (!out.write(msg.data)) await once(out, "drain");
    // Each chunk is acknowledged: the server sends the next ones as the acks come back.
    if (msg.reply) msg.respond();
  }
  sub.unsubscribe();
  out.end();
  await once(out, "finish");
  writeFileSync(join(dir, `${stream}.json`), `${JSON.stringify({ config: reply.config, state: reply.state }, null, 2)}\n`);
  return { stream, messages: reply.state.messages, bytes, file };
}

/** Restores a snapshot `backupStream` made into a server where the stream does not exist. */
export async function restoreStream(nc: NatsConnection, stream: string, dir: string): Promise<{ stream: string; messages: number }> {
  const meta = JSON.parse(readFileSync(join(dir, `${stream}.json`), "utf8")) as { config: StreamConfig; state: StreamState };
  const data = readFileSync(join(dir, `${stream}.snapshot`));
  const { deliver_subject } = parse<ApiReply & { deliver_subject: string }>((await nc.request(`${API}.RESTORE.${stream}`, JSON.stringify(meta), { timeout: REQUEST_MS })).data, `restore of ${stream}`);
  for (let at = 0; at < data.length; at += CHUNK_BYTES) {
    await nc.request(deliver_subject, data.subarray(at, at + CHUNK_BYTES), { timeout: REQUEST_MS });
  }
  // The empty message says "that was all"; the answer is the restored stream's info.
  const done = parse<ApiReply & { state: StreamState }>((await nc.request(deliver_subject, new Uint8Array(0), { timeout: 120_000 })).data, `restore of ${stream}`);
  return { stream, messages: done.state.messages };
}
