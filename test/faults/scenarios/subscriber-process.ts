/**
 * A subscriber as its own process, for case 4 (`kill -9` mid-handler). Run with
 * `node --import tsx subscriber-process.ts`; configured by the environment:
 *
 *   FAULT_SERVERS    comma-separated NATS URLs (every node of the cluster)
 *   ALLIANCE_CONFIG  the alliance config file
 *   FAULT_DIRECTORY  the public key directory (JWKS)
 *   FAULT_DURABLE    the durable consumer's name
 *   FAULT_STREAM     the stream it reads
 *   FAULT_JOURNAL    a file the handler appends its steps to, one line each, synchronously, so
 *                    that a SIGKILL loses none of what it wrote
 *   FAULT_HANG_ON    optional: an event id whose handler never returns (the process is killed there)
 *
 * Journal lines: `ready <pid>`, `start <id> <deliveryCount> <pid>`, `done <id> <pid>`.
 */
import { appendFileSync } from "node:fs";
import { openBus } from "../../../services/bus/core/bus.js";
import { loadConfig } from "../../../services/bus/core/config.js";
import { StaticKeyDirectory } from "../../../services/bus/keys/directory.js";
import { openProcessedRecord } from "../../../services/bus/consume/idempotency.js";
import { createLogger } from "../../../services/bus/core/logger.js";
import { subscribe } from "../../../services/bus/consume/subscriber.js";
import { createVerifier } from "../../../services/bus/wire/verify.js";
import { FAULT_CONNECT_OPTIONS } from "./world.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const journal = required("FAULT_JOURNAL");
const hangOn = process.env.FAULT_HANG_ON;
const note = (line: string) => appendFileSync(journal, `${line}\n`);

const config = loadConfig(required("ALLIANCE_CONFIG"));
const log = createLogger({ name: `fault-subscriber-${process.pid}`, level: process.env.LOG_LEVEL ?? "warn", pretty: false, destination: 2 });
const directory = await StaticKeyDirectory.fromFile(required("FAULT_DIRECTORY"));
const bus = await openBus({ servers: required("FAULT_SERVERS").split(","), name: `fault-subscriber-${process.pid}`, config, log, connectOptions: FAULT_CONNECT_OPTIONS });
const sub = await subscribe({
  js: bus.js, jsm: bus.jsm, log,
  verify: createVerifier({ bounds: config.bounds, directory }),
  consumer: { stream: required("FAULT_STREAM"), durable: required("FAULT_DURABLE"), startFrom: "all", settings: config.subscriber },
  processed: (name) => openProcessedRecord(bus.js, name, config.bounds),
  handler: async (event, ctx) => {
    note(`start ${event.id} ${ctx.deliveryCount} ${process.pid}`);
    if (event.id === hangOn) await new Promise<never>(() => {});
    note(`done ${event.id} ${process.pid}`);
  },
});
note(`ready ${process.pid}`);

const shutdown = async () => {
  await sub.stop();
  await bus.close();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
