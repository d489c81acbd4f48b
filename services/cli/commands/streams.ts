import type { Command } from "commander";
import type { CliContext } from "../context.js";

export function registerStreams(program: Command, ctx: CliContext): void {
  program
    .command("streams")
    .description("provision the alliance's streams, the processed-id bucket and the consumers declared in config access.consumers (idempotent; run as the administrator), then print each stream's state")
    .option("--json", "one JSON object per stream")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/admin.nk alliance streams\n  alliance streams --json | head -1")
    .action(async (opts: { json?: boolean }) => {
      const [{ provisionStreams }, { provisionAccess }] = await Promise.all([import("../../bus/admin/streams.js"), import("../../identity/provision.js")]);
      await ctx.withBus("alliance-cli", async (bus) => {
        const outcomes = await provisionStreams(bus.jsm, bus.config.bounds, ctx.log, bus.config.quotas);
        // The processed-id bucket and the consumers declared in config.access: the administrator's
        // to create, since members may not (docs/security.md).
        await provisionAccess(bus, bus.config, ctx.log);
        for (const { name, action, info } of outcomes) {
          const s = info.state;
          const row = { stream: name, action, messages: s.messages, bytes: s.bytes, firstSeq: s.first_seq, lastSeq: s.last_seq, consumers: s.consumer_count, replicas: info.config.num_replicas };
          process.stdout.write(opts.json ? `${JSON.stringify(row)}\n` : `${name.padEnd(22)} ${action.padEnd(9)} messages=${s.messages} bytes=${s.bytes} seq=${s.first_seq}..${s.last_seq} consumers=${s.consumer_count} replicas=${info.config.num_replicas}\n`);
        }
      });
    });
}
