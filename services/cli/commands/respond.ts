import type { Command } from "commander";
import { EventId } from "../../../schemas/data/common.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";
import { printSent, trackingOptions, withMemberTracking, type TrackingCliOptions } from "./tracking-cli.js";

interface RespondOptions extends TrackingCliOptions { answer: string }

export function registerRespond(program: Command, ctx: CliContext): void {
  trackingOptions(program
    .command("respond")
    .description("answer a request (v1.1): on its channel, restricted to the requester when the request was")
    .argument("<request-id>", "the request's id")
    .requiredOption("--answer <text>", "the information given, or why it cannot be"))
    .action(async (idArg: string, opts: RespondOptions) => {
      const id = parseOption(EventId, idArg, "<request-id>");
      printSent(opts, await withMemberTracking(ctx, opts, (t) => t.client!.respond(id, opts.answer)));
    });
}
