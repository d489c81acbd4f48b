import type { Command } from "commander";
import { z } from "zod";
import { ALL_REASONS, type Reason } from "../../bus/wire/reasons.js";
import { StreamName } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";

/** A writer is one subject token: a member code, `sec`, or a service's identity. */
const WriterCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "a writer code: lowercase letters, digits and '-'");

export function registerQuarantine(program: Command, ctx: CliContext): void {
  program
    .command("quarantine")
    .description("list what was rejected, why, from where, and who wrote each entry")
    .option("--json", "one JSON object a line")
    .option("--reason <reason>", `only this reason: ${ALL_REASONS.join(", ")}`)
    .option("--writer <code>", "only entries written by this identity (a member code, sec, ...)")
    .action(async (opts: { json?: boolean; reason?: string; writer?: string }) => {
      const reason = opts.reason === undefined ? undefined : parseOption(z.enum(ALL_REASONS as [Reason, ...Reason[]]), opts.reason, "--reason");
      const writer = opts.writer === undefined ? undefined : parseOption(WriterCode, opts.writer, "--writer");
      const { listQuarantine } = await import("../../bus/admin/quarantine-report.js");
      const readers = await ctx.readerNames(StreamName.quarantine);
      const selector = { ...(reason ? { reason } : {}), ...(writer ? { writer } : {}) };
      const entries = await ctx.withBus("alliance-cli", (bus) => listQuarantine(bus.js, bus.jsm, selector, readers));
      for (const e of entries) {
        // `writer` comes from the subject the broker enforced; consumer and detail are the writer's word.
        process.stdout.write(opts.json
          ? `${JSON.stringify(e)}\n`
          : `#${e.seq} ${e.time} writer=${e.writer || "-"} ${e.reason.padEnd(20)} claimed-origin=${e.claimedOrigin || "-"} ${e.originalStream}#${e.originalSeq} ${e.originalSubject} — ${e.detail}\n`);
      }
      if (!opts.json) process.stdout.write(`${entries.length} quarantined message(s)\n`);
    });
}
