import type { Command } from "commander";
import { z } from "zod";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";
import { trackingOptions, withMemberTracking, type TrackingCliOptions } from "./tracking-cli.js";

interface RequestsOptions extends TrackingCliOptions { overdue?: boolean; now?: string }

export function registerRequests(program: Command, ctx: CliContext): void {
  trackingOptions(program
    .command("requests")
    .description("this member's open requests, sent and received, with their due times (v1.1)")
    .option("--overdue", "only the overdue ones")
    .option("--now <time>", "RFC 3339 instant to judge deadlines at (default: this machine's clock; deadlines come from the signed time)"))
    .action(async (opts: RequestsOptions) => {
      const now = opts.now === undefined ? Date.now() : Date.parse(parseOption(z.iso.datetime({ offset: true }), opts.now, "--now"));
      const views = await withMemberTracking(ctx, opts, async (t) => t.views(now).requests);
      const shown = views.filter((r) => (opts.overdue ? r.level === "overdue" : true));
      if (opts.json) {
        for (const r of shown) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      for (const r of shown) {
        const state = r.pending.length === 0 ? "answered" : `${r.level} (waiting for ${r.pending.join(",")})`;
        process.stdout.write(`${r.id} ${r.from}→${r.to.join(",")} ${r.urgency} due ${r.due} ${state}: ${r.subject}\n`);
      }
      if (shown.length === 0) process.stdout.write(opts.overdue ? "no overdue requests\n" : "no requests\n");
    });
}
