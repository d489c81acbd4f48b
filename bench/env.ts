import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JetStreamApiError } from "@nats-io/jetstream";
import type { AllianceConfig } from "../schemas/config.js";
import type { Jwks } from "../schemas/keys.js";
import type { OriginCode } from "../schemas/protocol.js";
import { openBus, type Bus } from "../services/bus/core/bus.js";
import { StaticKeyDirectory } from "../services/bus/keys/directory.js";
import { PROCESSED_BUCKET } from "../services/bus/consume/idempotency.js";
import { generateMemberKey, signerFromJwk, toPublicJwk, type Signer } from "../services/bus/keys/keys.js";
import type { Logger } from "../services/bus/core/logger.js";
import { Quotas } from "../schemas/quotas.js";
import { provisionStreams } from "../services/bus/admin/streams.js";
import { StreamName } from "../services/bus/wire/subjects.js";
import { startNatsServer, type RunningNatsServer } from "../services/natsd/server.js";

/** The bench's world: its own nats-server, one connection, fresh keys for its publishers. */
export interface BenchEnv extends AsyncDisposable {
  readonly server: RunningNatsServer;
  readonly bus: Bus;
  readonly config: Readonly<AllianceConfig>;
  readonly signers: Readonly<Record<string, Signer>>;
  readonly directory: StaticKeyDirectory;
  /** The public keys of `signers`: the founding directory the secretariat's rebuild starts from. */
  readonly jwks: Jwks;
  readonly log: Logger;
  /** Empties the streams the workloads use and removes their consumers and processed records. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const BENCH_QUOTAS = Quotas.parse({ channelPerSubjectMaxMsgs: 10_000_000, governancePerSubjectMaxMsgs: 10_000_000 });

export async function openBenchEnv(config: Readonly<AllianceConfig>, log: Logger, origins: readonly OriginCode[]): Promise<BenchEnv> {
  const dir = mkdtempSync(join(tmpdir(), "alliance-bench-"));
  const server = await startNatsServer({ dir });
  const bus = await openBus({ servers: server.url, name: "alliance-bench", config, log });
  // The bench publishes far more from one origin than any member's quota allows (100k governance
  // events, rounds of 20k bulletins): its own server gets quotas sized for the measurement.
  await provisionStreams(bus.jsm, config.bounds, log, BENCH_QUOTAS);

  const signers: Record<string, Signer> = {};
  const publicKeys = [];
  for (const origin of origins) {
    const jwk = await generateMemberKey(origin);
    signers[origin] = await signerFromJwk(jwk);
    publicKeys.push(toPublicJwk(jwk));
  }
  const jwks: Jwks = { keys: publicKeys };
  const directory = await StaticKeyDirectory.fromJwks(jwks);

  const reset = async () => {
    for (const stream of [StreamName.crime, StreamName.quarantine]) {
      for await (const consumer of bus.jsm.consumers.list(stream)) await bus.jsm.consumers.delete(stream, consumer.name);
      await bus.jsm.streams.purge(stream);
    }
    // One processed-record bucket per consumer owner (`ALLIANCE_PROCESSED_<owner>`).
    const buckets: string[] = [];
    for await (const name of bus.jsm.streams.names()) if (name.startsWith(`KV_${PROCESSED_BUCKET}`)) buckets.push(name);
    for (const name of buckets) {
      await bus.jsm.streams.delete(name).catch((err: unknown) => {
        if (!(err instanceof JetStreamApiError)) throw err;
      });
    }
  };
  const close = async () => {
    await bus.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { server, bus, config, signers, directory, jwks, log, reset, close, [Symbol.asyncDispose]: close };
}
