import type { Command } from "commander";
import { EventId } from "../../../schemas/data/common.js";
import { MemberCode } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { CliContext } from "../context.js";
import { listOption, parseOption } from "../input.js";
import { printSent, trackingOptions, withMemberTracking, type TrackingCliOptions } from "./tracking-cli.js";

interface ConsentOptions extends TrackingCliOptions { to: string; for: string }

export function registerConsent(program: Command, ctx: CliContext): void {
  trackingOptions(program
    .command("consent")
    .description("as an event's originator, consent to its onward sharing (v1.1 §1b.3): a signed consented receipt")
    .argument("<id>", "your event's id")
    .requiredOption("--to <codes>", "the new recipients consented to")
    .requiredOption("--for <code>", "the member allowed to pass it on"))
    .action(async (idArg: string, opts: ConsentOptions) => {
      const id = parseOption(EventId, idArg, "<id>");
      const to = listOption(MemberCode, opts.to, "--to");
      if (!to) throw new AllianceError(ErrorCode.UsageInvalid, "--to: name at least one member");
      const grantee = parseOption(MemberCode, opts.for, "--for");
      printSent(opts, await withMemberTracking(ctx, opts, (t) => t.client!.consent(id, grantee, to)));
    });
}
