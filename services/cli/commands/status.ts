import type { Command } from "commander";
import { setTimeout as sleep } from "node:timers/promises";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { Status } from "../../monitor/view.js";
import type { CliContext } from "../context.js";
import { parseOption, Seconds } from "../input.js";

/** Rates need two samples: a one-shot status takes its second this long after the first. */
const ONE_SHOT_GAP_MS = 1_000;

interface StatusOptions { json?: boolean; watch?: boolean; interval?: string; color?: boolean }

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command("status")
    .description("stream health in the terminal: streams, consumers, quarantine, alerts; exits 3 when a rule is critical")
    .option("--json", "the status as JSON (one object per sample with --watch)")
    .option("--watch", "sample again every --interval seconds until interrupted")
    .option("--interval <seconds>", "seconds between samples with --watch (default: config monitor.collectIntervalSeconds)")
    .option("--no-color", "no colours, even on a terminal")
    .addHelpText("after", "\nExit status: 0, 3 (ERR_HEALTH_CRITICAL) when a rule is critical.\n\nExamples:\n  NATS_CREDS=creds/monitor.nk alliance status\n  alliance status --json | jq .overall\n  alliance status --watch --interval 5")
    .action(async (opts: StatusOptions) => {
      const [{ renderStatusTable }, { createMonitor }, { Level }] = await Promise.all([import("../../monitor/table.js"), import("../../monitor/service.js"), import("../../monitor/types.js")]);
      const config = ctx.config();
      const intervalMs = (opts.interval === undefined ? config.monitor.collectIntervalSeconds : parseOption(Seconds, opts.interval, "--interval")) * 1000;
      const colour = opts.color !== false && Boolean(process.stdout.isTTY);
      const print = (status: Status) => {
        if (opts.json) process.stdout.write(`${JSON.stringify(status)}\n`);
        else process.stdout.write(`${opts.watch && colour ? "\x1b[2J\x1b[H" : ""}${renderStatusTable(status, { colour })}`);
      };

      const last = await ctx.withBus("alliance-status", async (bus) => {
        await using monitor = createMonitor({ config, bus, log: ctx.log });
        await monitor.sampleNow();
        if (!opts.watch) {
          await sleep(ONE_SHOT_GAP_MS);
          const status = await monitor.sampleNow();
          print(status);
          return status;
        }
        let status = await monitor.sampleNow();
        const interrupted = new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        let stop = false;
        void interrupted.then(() => (stop = true));
        while (!stop) {
          print(status);
          await Promise.race([sleep(intervalMs), interrupted]);
          if (!stop) status = await monitor.sampleNow();
        }
        return status;
      });
      if (last.overall === Level.Critical) {
        const critical = last.checks.filter((c) => c.level === Level.Critical).map((c) => c.message);
        throw new AllianceError(ErrorCode.HealthCritical, `critical:\n- ${critical.join("\n- ")}`);
      }
    });
}
