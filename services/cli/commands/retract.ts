import type { Command } from "commander";
import { EventId } from "../../../schemas/data/common.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";
import { printSent, trackingOptions, withMemberTracking, type TrackingCliOptions } from "./tracking-cli.js";

interface RetractOptions extends TrackingCliOptions { reason: string }

export function registerRetract(program: Command, ctx: CliContext): void {
  trackingOptions(program
    .command("retract")
    .description("take back one of your events (v1.1): recipients delete it and answer retracted-applied; the operator erases it")
    .argument("<id>", "your event's id")
    .requiredOption("--reason <text>", "why (readable by every member: keep it to what may be said)"))
    .action(async (idArg: string, opts: RetractOptions) => {
      const id = parseOption(EventId, idArg, "<id>");
      printSent(opts, await withMemberTracking(ctx, opts, (t) => t.client!.retract(id, opts.reason)));
    });
}
