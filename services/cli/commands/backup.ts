import type { Command } from "commander";
import { z } from "zod";
import type { CliContext } from "../context.js";
import { listOption } from "../input.js";

const StreamNameArg = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a stream name (ALLIANCE_CRIME, KV_ALLIANCE_PROCESSED…)");

/** `alliance backup` / `alliance restore`: JetStream snapshots of the streams (docs/operations.md). */
export function registerBackup(program: Command, ctx: CliContext): void {
  program
    .command("backup")
    .description("snapshot streams with their consumers, while the cluster serves (administrator): DIR/<stream>.snapshot and DIR/<stream>.json")
    .requiredOption("--out <dir>", "a new or empty directory")
    .option("--streams <names>", "comma-separated stream names (default: every stream of the account, KV buckets included)")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/admin.nk alliance backup --out backups/$(date +%F)\n  alliance backup --out b --streams ALLIANCE_SECRETARIAT,KV_ALLIANCE_PROCESSED")
    .action(async (o: { out: string; streams?: string }) => {
      const [{ existsSync, readdirSync }, { backupStream }, { AllianceError, ErrorCode }] = await Promise.all([import("node:fs"), import("../../bus/admin/backup.js"), import("../../bus/core/errors.js")]);
      if (existsSync(o.out) && readdirSync(o.out).length > 0) throw new AllianceError(ErrorCode.UsageInvalid, `--out: ${o.out} is not empty; a backup never overwrites another`);
      const wanted = listOption(StreamNameArg, o.streams, "--streams");
      await ctx.withBus("alliance-backup", async (bus) => {
        const names: string[] = wanted ?? [];
        if (!wanted) for await (const name of bus.jsm.streams.names()) names.push(name);
        for (const stream of names.sort()) {
          const identity = ctx.identity();
          const done = await backupStream(bus.nc, stream, o.out, identity ? `_INBOX_${identity}` : undefined);
          process.stdout.write(`${stream}\tmessages=${done.messages}\tbytes=${done.bytes}\t${done.file}\n`);
        }
      });
    });
  program
    .command("restore")
    .description("restore the snapshots `alliance backup` made into a server where those streams do not exist (administrator)")
    .argument("<dir>", "the backup directory")
    .option("--streams <names>", "only these streams (default: every one in the directory)")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/admin.nk alliance restore backups/2026-12-01")
    .action(async (dir: string, o: { streams?: string }) => {
      const [{ readdirSync }, { restoreStream }] = await Promise.all([import("node:fs"), import("../../bus/admin/backup.js")]);
      const names = listOption(StreamNameArg, o.streams, "--streams") ?? readdirSync(dir).filter((f) => f.endsWith(".snapshot")).map((f) => f.slice(0, -".snapshot".length)).sort();
      await ctx.withBus("alliance-restore", async (bus) => {
        for (const stream of names) {
          const done = await restoreStream(bus.nc, stream, dir);
          process.stdout.write(`${stream}\trestored\tmessages=${done.messages}\n`);
        }
      });
    });
}
