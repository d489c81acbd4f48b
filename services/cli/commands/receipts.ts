import type { Command } from "commander";
import { EventId } from "../../../schemas/data/common.js";
import { receiptsView } from "../../tracking/views.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";
import { trackingOptions, withMemberTracking, type TrackingCliOptions } from "./tracking-cli.js";

export function registerReceipts(program: Command, ctx: CliContext): void {
  trackingOptions(program
    .command("receipts")
    .description("the receipts of one of this member's events: per recipient, the latest status and when (v1.1)")
    .argument("<id>", "the event's id"))
    .action(async (idArg: string, opts: TrackingCliOptions) => {
      const id = parseOption(EventId, idArg, "<id>");
      const view = await withMemberTracking(ctx, opts, async (t) => receiptsView(t.state, id));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(view)}\n`);
        return;
      }
      for (const m of view.members) process.stdout.write(`${m.member} ${m.status ?? "(no receipt)"}${m.time ? ` at ${m.time}` : ""}\n`);
      if (view.retract) process.stdout.write(`retracted ${view.retract.time}: complied ${view.retract.complied.join(",") || "none"}; waiting for ${view.retract.pending.join(",") || "none"}\n`);
    });
}
