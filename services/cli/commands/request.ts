import type { Command } from "commander";
import { RequestUrgency } from "../../../schemas/data/tracking.js";
import { MemberCode, PriorityChannel, Tlp } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { CliContext } from "../context.js";
import { listOption, parseOption } from "../input.js";
import { printSent, trackingOptions, withMemberTracking, type TrackingCliOptions } from "./tracking-cli.js";

interface RequestOptions extends TrackingCliOptions { to: string; urgency: string; subject: string; question: string; tlp: string; open?: boolean }

export function registerRequest(program: Command, ctx: CliContext): void {
  trackingOptions(program
    .command("request")
    .description("send a request for information with a deadline (v1.1): due = signed time + the limit in force")
    .argument("<channel>", PriorityChannel.options.join(", "))
    .requiredOption("--to <codes>", "comma-separated members asked to answer")
    .requiredOption("--urgency <u>", `${RequestUrgency.options.join(", ")} (8 hours, 3 days, 7 days)`)
    .requiredOption("--subject <text>", "one line")
    .requiredOption("--question <text>", "the information asked for")
    .option("--tlp <label>", "TLP 2.0 label", "AMBER")
    .option("--open", "not restricted to the members asked"))
    .action(async (channelArg: string, opts: RequestOptions) => {
      const channel = parseOption(PriorityChannel, channelArg, "<channel>");
      const to = listOption(MemberCode, opts.to, "--to");
      if (!to) throw new AllianceError(ErrorCode.UsageInvalid, "--to: name at least one member");
      const urgency = parseOption(RequestUrgency, opts.urgency, "--urgency");
      const tlp = parseOption(Tlp, opts.tlp, "--tlp");
      const sent = await withMemberTracking(ctx, opts, (t) => t.client!.request({ channel, to, urgency, tlp, subject: opts.subject, question: opts.question, restricted: !opts.open }));
      printSent(opts, sent, { due: sent.due, limitSeconds: sent.limitSeconds });
    });
}
