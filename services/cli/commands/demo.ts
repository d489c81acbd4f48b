import type { Command } from "commander";
import { AllianceError, ErrorCode } from "../../bus/errors.js";
import { createLogger } from "../../bus/logger.js";
import { runDemo } from "../../demo/run.js";
import type { CliContext } from "../context.js";
import { DATA_DIR } from "../env.js";

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("the whole alliance on an embedded nats-server (or $NATS_URL): seven ministries publish, desks verify, attacks are quarantined")
    .option("--data-dir <dir>", "where keys and the embedded server's store live", DATA_DIR)
    .action(async (opts: { dataDir: string }) => {
      // The demo is watched by people: its log is the show, on stdout.
      const log = createLogger({ name: "demo", level: ctx.env.LOG_LEVEL, ...(ctx.env.LOG_PRETTY !== undefined ? { pretty: ctx.env.LOG_PRETTY } : {}) });
      const result = await runDemo({ config: ctx.config(), log, dataDir: opts.dataDir, ...(ctx.env.NATS_URL ? { servers: ctx.env.NATS_URL } : {}) });
      if (result.unexpected.length > 0) {
        throw new AllianceError(ErrorCode.DemoFailed, `the demo did not go as the protocol requires:\n- ${result.unexpected.join("\n- ")}`);
      }
    });
}
