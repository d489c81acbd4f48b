import type { Command } from "commander";
import { z } from "zod";
import { Channel, OriginCode } from "../../../schemas/protocol.js";
import { channelSubject, QUARANTINE_TOKEN, StreamName, streamForChannel } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";

const Pid = z.coerce.number().int().positive();
const Port = z.coerce.number().int().min(1).max(65_535);
const Target = z.union([Channel, z.literal(QUARANTINE_TOKEN)]);
const Token = z.string().regex(/^[a-z0-9_-]+$/, "one subject token");

/**
 * After a flood (docs/operations.md, "After a flood"): remove one origin's messages from a stream
 * by sequence, and make the server recount the account's usage after a filtered purge, both
 * without restarting the server. After the upgrade to per-owner processed-record buckets
 * ("Migrating the processed records"): copy the shared bucket's records into them.
 */
export function registerRecover(program: Command, ctx: CliContext): void {
  const recover = program.command("recover").description("after a flood: give the space back without restarting the server (run as the administrator)");
  recover
    .command("remove")
    .description("delete one origin's messages from a stream, message by message (never a filtered purge: nats-server before 2.9.15 keeps that space counted)")
    .argument("<stream>", `a channel (${Channel.options.join(", ")}) or quarantine`)
    .requiredOption("--origin <code>", "the flooding origin (for quarantine: the writer, once quarantine subjects name it)")
    .option("--kind <kind>", "only this kind (one subject token)")
    .action(async (target: string, o: { origin: string; kind?: string }) => {
      const which = parseOption(Target, target, "<stream>");
      const origin = parseOption(OriginCode, o.origin, "--origin");
      const kind = o.kind === undefined ? ">" : parseOption(Token, o.kind, "--kind");
      const stream = which === QUARANTINE_TOKEN ? StreamName.quarantine : streamForChannel(which);
      const subject = `${channelSubject(which).slice(0, -1)}${origin}.${kind}`;
      await ctx.withBus("alliance-recover", async (bus) => {
        const { removeSubjectMessages } = await import("../../bus/admin/remove.js");
        const removed = await removeSubjectMessages(bus.js, bus.jsm, stream, subject, ctx.log);
        process.stdout.write(`${removed.stream}\t${removed.subject}\tremoved=${removed.messages}\tbytes=${removed.bytes}\n`);
      });
    });
  recover
    .command("migrate-processed")
    .description("copy the old shared ALLIANCE_PROCESSED bucket's records into each owner's ALLIANCE_PROCESSED_<owner> (never over a record there); idempotent")
    .option("--delete-old", "then remove the shared bucket, once every record is in its owner's bucket")
    .action(async (o: { deleteOld?: boolean }) => {
      await ctx.withBus("alliance-recover", async (bus) => {
        const { migrateProcessedRecords } = await import("../../bus/admin/migrate-processed.js");
        const outcome = await migrateProcessedRecords(bus, ctx.config().bounds, { deleteSource: o.deleteOld === true, log: ctx.log });
        if (!outcome.sourceFound) {
          process.stdout.write("no shared ALLIANCE_PROCESSED bucket: nothing to migrate\n");
          return;
        }
        for (const m of outcome.owners) process.stdout.write(`${m.bucket}\tcopied=${m.copied}\tkept=${m.kept}\n`);
        for (const key of outcome.unmigratable) process.stdout.write(`unmigratable\t${key}\n`);
        const total = outcome.owners.reduce((n, m) => n + m.copied, 0);
        process.stdout.write(`migrated\tcopied=${total}\tunmigratable=${outcome.unmigratable.length}\t${outcome.sourceDeleted ? "shared bucket removed" : "shared bucket kept"}\n`);
      });
    });
  recover
    .command("resync-usage")
    .description("make the server recount the alliance account's JetStream usage (after a filtered purge on nats-server < 2.9.15): two config reloads, no restart")
    .requiredOption("--creds <dir>", "the host's credentials folder (accounts.conf; what creds init --out wrote)")
    .requiredOption("--reload <pid>", "the nats-server's pid")
    .requiredOption("--http-port <port>", "its monitoring port, to confirm each reload")
    .action(async (o: { creds: string; reload: string; httpPort: string }) => {
      const server = { pid: parseOption(Pid, o.reload, "--reload"), httpPort: parseOption(Port, o.httpPort, "--http-port") };
      const { resyncJetStreamUsage } = await import("../../identity/resync.js");
      await resyncJetStreamUsage({ config: ctx.config(), credsDir: o.creds, server, log: ctx.log });
      process.stdout.write(`resynced\t${server.pid}\n`);
    });
}
