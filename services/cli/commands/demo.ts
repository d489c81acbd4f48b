import type { Command } from "commander";
import { z } from "zod";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { CliContext } from "../context.js";
import { logLevel } from "../context.js";
import { DATA_DIR } from "../env.js";
import { parseOption } from "../input.js";

const Port = z.coerce.number().int().min(0).max(65_535);

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("the whole alliance on an embedded nats-server (or $NATS_URL): seven ministries publish, desks verify, attacks are quarantined; ends with a verdict")
    .option("--data-dir <dir>", "where keys and the embedded server's store live", DATA_DIR)
    .option("--monitor-port <port>", "the stream-health dashboard's port (default: a free one)")
    .option("--no-monitor", "do not start the stream-health monitor")
    .option("--keep-running", "after the scenario, keep everything up (ministries go on publishing) until Ctrl-C; also DEMO_KEEP=1")
    .addHelpText("after", "\nThe log is quiet by default (the scenes and the verdict); -v shows every message, -vv debug.\n\nExamples:\n  npm start\n  npm start -- --keep-running --monitor-port 8080\n  alliance -v demo")
    .action(async (opts: { dataDir: string; monitorPort?: string; monitor: boolean; keepRunning?: boolean }) => {
      const monitorPort = !opts.monitor ? false : opts.monitorPort === undefined ? 0 : parseOption(Port, opts.monitorPort, "--monitor-port");
      const keepRunning = opts.keepRunning ?? ctx.env.DEMO_KEEP ?? false;
      const [{ createLogger }, { runDemo }, { renderVerdict }] = await Promise.all([import("../../bus/core/logger.js"), import("../../demo/run.js"), import("../../demo/verdict.js")]);
      const verbose = program.opts<{ verbose?: number }>().verbose ?? 0;
      // The demo is watched by people: its log is the show, on stdout; the details behind -v.
      // Quiet by default: the rejections it provokes are the show, and the verdict reports them.
      const log = createLogger({ name: "demo", level: verbose === 0 && !ctx.env.LOG_LEVEL ? "error" : logLevel(ctx.env, verbose), ...(ctx.env.LOG_PRETTY !== undefined ? { pretty: ctx.env.LOG_PRETTY } : {}) });
      const result = await runDemo({ config: ctx.config(), log, dataDir: opts.dataDir, monitorPort, keepRunning, say: (line) => process.stdout.write(`${line}\n`), ...(ctx.env.NATS_URL ? { servers: ctx.env.NATS_URL } : {}) });
      process.stdout.write(renderVerdict(result));
      if (result.unexpected.length > 0) {
        throw new AllianceError(ErrorCode.DemoFailed, `the demo did not go as the protocol requires:\n- ${result.unexpected.join("\n- ")}`);
      }
    });
}
