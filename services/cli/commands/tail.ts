import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Channel, PriorityChannel } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { Subscription } from "../../bus/consume/subscriber.js";
import { streamForChannel } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { DurableName, parseOption, Seconds } from "../input.js";
import { formatEventLine } from "../format.js";

interface TailOptions { json?: boolean; fromStart?: boolean; durable?: string; idleExit?: string; directory?: string; staticDirectory?: boolean; encKey?: string }

export function registerTail(program: Command, ctx: CliContext): void {
  program
    .command("tail")
    .description("verify and print every message on a channel; rejected ones are quarantined and reported on stderr")
    .argument("<channel>", `${Channel.options.join(", ")} or all`)
    .option("--json", 'one JSON object a line: {"stream","seq","subject","event"}')
    .option("--from-start", "read the channel's whole retained history, not only new messages")
    .option("--durable <name>", "a durable consumer that remembers its position across runs")
    .option("--idle-exit <seconds>", "stop once nothing arrived for this long")
    .option("--directory <file>", "the founding public key directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .option("--enc-key <file>", "this member's encryption keyring (default: $ALLIANCE_ENC_KEY): sealed events addressed to it are decrypted; without it they are skipped")
    .option("--static-directory", "verify with the founding directory alone, not the live one the secretariat stream maintains")
    .addHelpText("after", "\nExit status: 0, or 4 (ERR_ALL_REJECTED) when it saw messages and rejected every one of them.\n\nExamples:\n  alliance tail crime --from-start --idle-exit 5\n  alliance tail all --json --durable fr-desk\n  ALLIANCE_DIRECTORY=keys/directory.json alliance tail border --static-directory")
    .action(async (channelArg: string, opts: TailOptions) => {
      const [{ StaticKeyDirectory }, { loadJwks }, { createLiveDirectory }, { memoryProcessedRecord, openProcessedRecord }, { subscribe, LOCAL_WRITER }, { createVerifier }, { createQuarantineWriter }, { withUnseal }, { loadEncKeyring }] = await Promise.all([
        import("../../bus/keys/directory.js"), import("../../bus/keys/keys.js"), import("../../secretariat/live-directory.js"),
        import("../../bus/consume/idempotency.js"), import("../../bus/consume/subscriber.js"), import("../../bus/wire/verify.js"),
        import("../../bus/consume/quarantine.js"), import("../../bus/consume/unseal.js"), import("../../bus/keys/keyring.js"),
      ]);
      const channels = channelArg === "all" ? [...PriorityChannel.options, "secretariat" as const] : [parseOption(Channel, channelArg, "<channel>")];
      const durable = opts.durable === undefined ? undefined : parseOption(DurableName, opts.durable, "--durable");
      const idleExitMs = opts.idleExit === undefined ? undefined : parseOption(Seconds, opts.idleExit, "--idle-exit") * 1000;
      const config = ctx.config();
      const directoryFile = ctx.directory(opts.directory);
      let lastActivity = Date.now();
      const encKeyFile = opts.encKey ?? ctx.env.ALLIANCE_ENC_KEY;
      const keyring = encKeyFile ? loadEncKeyring(encKeyFile) : undefined;
      let accepted = 0, rejected = 0;

      await ctx.withBus("alliance-tail", async (bus) => {
        // The live directory (docs/secretariat.md): the founding keys plus every signed admission,
        // rotation, revocation and suspension since; the founding directory alone where there is no
        // secretariat stream to follow, or this identity may not read it.
        const live = opts.staticDirectory ? undefined : await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding: loadJwks(directoryFile), log: ctx.log })
          .then(async (d) => (await d.ready(), d))
          .catch((err: unknown) => {
            process.stderr.write(`tail: verifying with the founding directory only (no live directory: ${(err as Error).message})\n`);
            return undefined;
          });
        const directory = live ?? (await StaticKeyDirectory.fromFile(directoryFile));
        const verifier = createVerifier({ bounds: config.bounds, directory });
        // v1.1 §1b.2: a member's tail opens what is sealed to it; everyone else's tail skips sealed events.
        const verify = keyring ? withUnseal(verifier, { member: keyring.member, keyring, bounds: config.bounds }) : verifier;
        const subscriptions: Subscription[] = [];
        const quarantine = createQuarantineWriter(bus.js, { writer: ctx.identity() ?? LOCAL_WRITER, ...(ctx.env.NATS_CREDS ? { secret: readFileSync(ctx.env.NATS_CREDS) } : {}) });
        for (const channel of channels) {
          subscriptions.push(await subscribe({
            js: bus.js, jsm: bus.jsm, verify, log: ctx.log, ...(keyring ? { member: keyring.member } : {}),
            consumer: {
              stream: streamForChannel(channel), startFrom: opts.fromStart ? "all" : "new", settings: config.subscriber,
              ...(durable ? { durable } : withReaderNames(await ctx.readerNames(streamForChannel(channel)))),
            },
            processed: (name) => (durable ? openProcessedRecord(bus.js, name, config.bounds) : Promise.resolve(memoryProcessedRecord())),
            // Copies are written as the identity NATS_CREDS names, keyed by its seed (docs/protocol.md §7).
            quarantine,
            handler: async (event, meta) => {
              lastActivity = Date.now();
              accepted++;
              process.stdout.write(opts.json
                ? `${JSON.stringify({ stream: meta.stream, seq: meta.seq, subject: meta.subject, event, ...(meta.sealed ? { sealed: meta.sealed } : {}) })}\n`
                : `${formatEventLine(event, meta)}\n`);
            },
            onRejected: (r) => {
              lastActivity = Date.now();
              rejected++;
              process.stderr.write(`rejected ${r.stream}#${r.seq} ${r.subject}: ${r.reason} (${r.detail})\n`);
            },
          }));
        }
        await waitForEnd(idleExitMs, () => lastActivity);
        await Promise.all(subscriptions.map((s) => s.stop()));
        await live?.close();
      });
      // A tail that refused everything it saw is not a success for scripts (exit 4).
      if (rejected > 0 && accepted === 0) throw new AllianceError(ErrorCode.AllRejected, `rejected all ${rejected} message(s) it saw (see the reasons above; alliance quarantine)`);
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

/** A tail without --durable reads through one of its identity's reader names, when it has credentials. */
function withReaderNames(names: readonly string[] | undefined): { readerNames?: readonly string[] } {
  return names ? { readerNames: names } : {};
}
