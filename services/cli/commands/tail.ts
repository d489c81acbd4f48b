import type { Command } from "commander";
import { Channel, PriorityChannel } from "../../../schemas/protocol.js";
import { StaticKeyDirectory } from "../../bus/directory.js";
import { memoryProcessedRecord, openProcessedRecord } from "../../bus/idempotency.js";
import { subscribe, type Subscription } from "../../bus/subscriber.js";
import { streamForChannel } from "../../bus/subjects.js";
import { createVerifier } from "../../bus/verify.js";
import type { CliContext } from "../context.js";
import { defaultDirectoryPath } from "../env.js";
import { DurableName, parseOption, Seconds } from "../input.js";
import { formatEventLine } from "../format.js";

interface TailOptions { json?: boolean; fromStart?: boolean; durable?: string; idleExit?: string; directory?: string }

export function registerTail(program: Command, ctx: CliContext): void {
  program
    .command("tail")
    .description("verify and print every message on a channel; rejected ones are quarantined and reported on stderr")
    .argument("<channel>", `${Channel.options.join(", ")} or all`)
    .option("--json", 'one JSON object a line: {"stream","seq","subject","event"}')
    .option("--from-start", "read the channel's whole retained history, not only new messages")
    .option("--durable <name>", "a durable consumer that remembers its position across runs")
    .option("--idle-exit <seconds>", "stop once nothing arrived for this long")
    .option("--directory <file>", "public key directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .action(async (channelArg: string, opts: TailOptions) => {
      const channels = channelArg === "all" ? [...PriorityChannel.options, "secretariat" as const] : [parseOption(Channel, channelArg, "<channel>")];
      const durable = opts.durable === undefined ? undefined : parseOption(DurableName, opts.durable, "--durable");
      const idleExitMs = opts.idleExit === undefined ? undefined : parseOption(Seconds, opts.idleExit, "--idle-exit") * 1000;
      const config = ctx.config();
      const directory = await StaticKeyDirectory.fromFile(opts.directory ?? defaultDirectoryPath(ctx.env));
      const verify = createVerifier({ bounds: config.bounds, directory });
      let lastActivity = Date.now();

      await ctx.withBus("alliance-tail", async (bus) => {
        const subscriptions: Subscription[] = [];
        for (const channel of channels) {
          subscriptions.push(await subscribe({
            js: bus.js, jsm: bus.jsm, verify, log: ctx.log,
            consumer: { stream: streamForChannel(channel), startFrom: opts.fromStart ? "all" : "new", settings: config.subscriber, ...(durable ? { durable } : {}) },
            processed: (name) => (durable ? openProcessedRecord(bus.js, name, config.bounds) : Promise.resolve(memoryProcessedRecord())),
            handler: async (event, meta) => {
              lastActivity = Date.now();
              process.stdout.write(opts.json
                ? `${JSON.stringify({ stream: meta.stream, seq: meta.seq, subject: meta.subject, event })}\n`
                : `${formatEventLine(event, meta)}\n`);
            },
            onRejected: (r) => {
              lastActivity = Date.now();
              process.stderr.write(`rejected ${r.stream}#${r.seq} ${r.subject}: ${r.reason} (${r.detail})\n`);
            },
          }));
        }
        await waitForEnd(idleExitMs, () => lastActivity);
        await Promise.all(subscriptions.map((s) => s.stop()));
      });
    });
}

/** Resolves on SIGINT/SIGTERM, or once nothing has happened for `idleMs`. */
function waitForEnd(idleMs: number | undefined, lastActivity: () => number): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(timer);
      process.off("SIGINT", finish);
      process.off("SIGTERM", finish);
      resolve();
    };
    const timer = setInterval(() => {
      if (idleMs !== undefined && Date.now() - lastActivity() >= idleMs) finish();
    }, 100);
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
  });
}
