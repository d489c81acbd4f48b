import type { Command } from "commander";
import { z } from "zod";
import { ALL_REASONS, type Reason } from "../../bus/wire/reasons.js";
import { StreamName } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";

export function registerQuarantine(program: Command, ctx: CliContext): void {
  program
    .command("quarantine")
    .description("list what was rejected, why, and from where")
    .option("--json", "one JSON object a line")
    .option("--reason <reason>", `only this reason: ${ALL_REASONS.join(", ")}`)
    .action(async (opts: { json?: boolean; reason?: string }) => {
      const reason = opts.reason === undefined ? undefined : parseOption(z.enum(ALL_REASONS as [Reason, ...Reason[]]), opts.reason, "--reason");
      const { listQuarantine } = await import("../../bus/admin/quarantine-report.js");
      const readers = await ctx.readerNames(StreamName.quarantine);
      const entries = await ctx.withBus("alliance-cli", (bus) => listQuarantine(bus.js, bus.jsm, reason, readers));
      for (const e of entries) {
        process.stdout.write(opts.json
          ? `${JSON.stringify(e)}\n`
          : `#${e.seq} ${e.time} ${e.reason.padEnd(20)} claimed-origin=${e.claimedOrigin || "-"} ${e.originalStream}#${e.originalSeq} ${e.originalSubject} — ${e.detail}\n`);
      }
      if (!opts.json) process.stdout.write(`${entries.length} quarantined message(s)\n`);
    });
}
