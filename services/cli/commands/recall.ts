import type { Command } from "commander";
import type { CliContext } from "../context.js";
import { defaultDirectoryPath } from "../env.js";

/**
 * The operator's recall service (v1.1): run with the administrator's credentials (NATS_CREDS
 * admin.nk), it also provisions the members' tracking-views bucket. Runs until SIGINT/SIGTERM.
 */
export function registerRecall(program: Command, ctx: CliContext): void {
  program
    .command("recall")
    .description("operator: erase every retracted event from its stream and from quarantine (v1.1); runs until Ctrl-C")
    .option("--directory <file>", "the public key directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .action(async (opts: { directory?: string }) => {
      const config = ctx.config();
      // Loaded on use: --help loads no NATS client.
      const [{ StaticKeyDirectory }, { openJsonView }, { createVerifier }, { createRecall, TRACKING_BUCKET }] = await Promise.all([
        import("../../bus/keys/directory.js"), import("../../bus/admin/json-view.js"), import("../../bus/wire/verify.js"), import("../../tracking/index.js"),
      ]);
      const directory = await StaticKeyDirectory.fromFile(opts.directory ?? defaultDirectoryPath(ctx.env));
      await ctx.withBus("alliance-recall", async (bus) => {
        await openJsonView(bus.js, bus.jsm, TRACKING_BUCKET, { replicas: config.bounds.replicas, create: true });
        const recall = await createRecall({
          bus, log: ctx.log, verify: createVerifier({ bounds: config.bounds, directory }),
          onRecalled: (o) => process.stdout.write(`${JSON.stringify(o)}\n`),
        });
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await recall.stop();
      });
    });
}
