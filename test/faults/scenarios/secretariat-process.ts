/**
 * The secretariat as its own process, for case 5 (killed between its KV write and its ack). Run
 * with `node --import tsx secretariat-process.ts`; configured by the environment:
 *
 *   FAULT_SERVERS        comma-separated NATS URLs (every node of the cluster)
 *   ALLIANCE_CONFIG      the alliance config file
 *   ALLIANCE_KEY         the secretariat's private JWK
 *   ALLIANCE_DIRECTORY   the founding directory (public JWKS)
 *   FAULT_JOURNAL        a file this process appends `ready <pid>` and `dying <seq> <pid>` to
 *   FAULT_KILL_AT_SEQ    optional: once the views of this stream sequence are written, and before
 *                        the message is acknowledged, the process SIGKILLs itself
 */
import { appendFileSync } from "node:fs";
import { openBus } from "../../../services/bus/core/bus.js";
import { loadConfig } from "../../../services/bus/core/config.js";
import { loadJwks, loadSigner } from "../../../services/bus/keys/keys.js";
import { createLogger } from "../../../services/bus/core/logger.js";
import { createSecretariat } from "../../../services/secretariat/index.js";
import { FAULT_CONNECT_OPTIONS } from "./world.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const journal = required("FAULT_JOURNAL");
const killAt = process.env.FAULT_KILL_AT_SEQ ? Number(process.env.FAULT_KILL_AT_SEQ) : undefined;
const config = loadConfig(required("ALLIANCE_CONFIG"));
const log = createLogger({ name: `fault-secretariat-${process.pid}`, level: process.env.LOG_LEVEL ?? "warn", pretty: false, destination: 2 });
const bus = await openBus({ servers: required("FAULT_SERVERS").split(","), name: `fault-secretariat-${process.pid}`, config, log, connectOptions: FAULT_CONNECT_OPTIONS });
const service = createSecretariat({
  config, bus, log, signer: await loadSigner(required("ALLIANCE_KEY")), founding: loadJwks(required("ALLIANCE_DIRECTORY")),
  faults: {
    afterViewsWritten(seq) {
      if (seq !== killAt) return;
      appendFileSync(journal, `dying ${seq} ${process.pid}\n`);
      // A crash, not a shutdown: nothing after this line runs, no ack, no drain.
      process.kill(process.pid, "SIGKILL");
    },
  },
});
await service.start();
appendFileSync(journal, `ready ${process.pid}\n`);

const shutdown = async () => {
  await service.stop();
  await bus.close();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown());
process.once("SIGINT", () => void shutdown());
