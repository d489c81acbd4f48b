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
 *   FAULT_KILL_IN_RECORD  optional: an event id whose handler returns, and whose processed-record
 *                    write then never completes: the process stays in the handler-end → record
 *                    window for WINDOW_MS and kills itself there (SIGKILL). A handler that starts
 *                    meanwhile breaks the record-before-next-handler rule: it is journaled, and
 *                    the process is killed at once.
 *
 * Journal lines: `ready <pid>`, `start <id> <deliveryCount> <pid>`, `done <id> <pid>`,
 * `recording <id> <pid>` (the window opened).
 */
import { appendFileSync } from "node:fs";
import { openBus } from "../../../services/bus/core/bus.js";
import { loadConfig } from "../../../services/bus/core/config.js";
import { StaticKeyDirectory } from "../../../services/bus/keys/directory.js";
import { openProcessedRecord, type ProcessedRecord } from "../../../services/bus/consume/idempotency.js";
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
const killInRecord = process.env.FAULT_KILL_IN_RECORD;
/** How long the process stays in the window before killing itself, if no handler starts first. */
const WINDOW_MS = 3_000;
let inWindow = false;
const note = (line: string) => appendFileSync(journal, `${line}\n`);

const config = loadConfig(required("ALLIANCE_CONFIG"));
const log = createLogger({ name: `fault-subscriber-${process.pid}`, level: process.env.LOG_LEVEL ?? "warn", pretty: false, destination: 2 });
const directory = await StaticKeyDirectory.fromFile(required("FAULT_DIRECTORY"));
const bus = await openBus({ servers: required("FAULT_SERVERS").split(","), name: `fault-subscriber-${process.pid}`, config, log, connectOptions: FAULT_CONNECT_OPTIONS });
const sub = await subscribe({
  js: bus.js, jsm: bus.jsm, log,
  verify: createVerifier({ bounds: config.bounds, directory }),
  consumer: { stream: required("FAULT_STREAM"), durable: required("FAULT_DURABLE"), startFrom: "all", settings: config.subscriber },
  processed: async (name) => {
    const record = await openProcessedRecord(bus.js, name, config.bounds);
    if (!killInRecord) return record;
    return {
      handledAt: (id, legacyId) => record.handledAt(id, legacyId),
      async add(id, at) {
        if (!id.endsWith(`.${killInRecord}`)) return record.add(id, at);
        await new Promise((r) => setTimeout(r, WINDOW_MS));
        process.kill(process.pid, "SIGKILL");
      },
    } satisfies ProcessedRecord;
  },
  handler: async (event, ctx) => {
    note(`start ${event.id} ${ctx.deliveryCount} ${process.pid}`);
    if (inWindow) process.kill(process.pid, "SIGKILL");
    if (event.id === hangOn) await new Promise<never>(() => {});
    note(`done ${event.id} ${process.pid}`);
    // The window opens as the handler returns: from here until its record is stored.
    if (event.id === killInRecord) {
      inWindow = true;
      note(`recording ${event.id} ${process.pid}`);
    }
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
