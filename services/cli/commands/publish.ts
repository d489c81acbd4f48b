import type { Command } from "commander";
import { z } from "zod";
import { Channel, Evaluation, EventRef, GovernanceKind, Handling, Lang, OriginCode, PriorityKind, Tlp } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import { streamForChannel } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { listOption, parseOption, readJsonInput } from "../input.js";
import { defaultDirectoryPath } from "../env.js";
import { knownMembers } from "../members.js";

interface PublishOptions {
  data: string; key?: string; tlp: string; lang?: string; expires?: string; recipients?: string; json?: boolean;
  group?: string; handling?: string; handlingNote?: string; evaluation?: string; derivedFrom?: string; directory?: string;
}

export function registerPublish(program: Command, ctx: CliContext): void {
  program
    .command("publish")
    .description("sign and publish one event; prints its id, stream and sequence")
    .argument("<channel>", `one of ${Channel.options.join(", ")}`)
    .argument("<kind>", `${PriorityKind.options.join(", ")} (or a governance event on secretariat)`)
    .requiredOption("--data <file>", "the event's data as JSON: a file, or - for standard input")
    .option("--key <file>", "private JWK to sign with (default: the context's, or $ALLIANCE_KEY)")
    .option("--tlp <label>", `TLP 2.0 label: ${Tlp.options.join(", ")}`, "AMBER")
    .option("--lang <code>", `language of the content: ${Lang.options.join(", ")} (default: the member's)`)
    .option("--expires <time>", "RFC 3339 time after which subscribers refuse it")
    .option("--recipients <codes>", "comma-separated member codes: sealed to them, only they can read it (v1.1)")
    .option("--group <id>", "seal to a working group's active members (its working-group-formed event id)")
    .option("--handling <code>", `handling restriction: ${Handling.options.join(", ")} (H3: state it in --handling-note)`)
    .option("--handling-note <text>", "the conditions of handling H3 (at most 500 characters)")
    .option("--evaluation <code>", "source reliability A-C or X, then assessment 1-4 (e.g. B2)")
    .option("--derived-from <ref>", "<origin>:<id> of the event this one passes on")
    .option("--directory <file>", "the founding public key directory, for recipients' encryption keys (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .option("--json", "print the receipt as JSON")
    .addHelpText("after", "\nExamples:\n  alliance publish crime bulletin --data bulletin.json --key keys/fr.jwk --tlp AMBER\n  echo '{...}' | ALLIANCE_KEY=keys/fr.jwk alliance publish border alert --data - --recipients es,it")
    .action(async (channelArg: string, kindArg: string, opts: PublishOptions) => {
      const channel = parseOption(Channel, channelArg, "<channel>");
      const kind = parseOption(channel === "secretariat" ? GovernanceKind : PriorityKind, kindArg, "<kind>");
      const tlp = parseOption(Tlp, opts.tlp, "--tlp");
      const expires = opts.expires === undefined ? undefined : parseOption(z.iso.datetime({ offset: true }), opts.expires, "--expires");
      if (opts.recipients && opts.group) throw new AllianceError(ErrorCode.UsageInvalid, "--recipients and --group: one or the other");
      const group = opts.group === undefined ? undefined : parseOption(z.uuid(), opts.group, "--group");
      const handling = opts.handling === undefined ? undefined : parseOption(Handling, opts.handling, "--handling");
      const evaluation = opts.evaluation === undefined ? undefined : parseOption(Evaluation, opts.evaluation, "--evaluation");
      const derivedfrom = opts.derivedFrom === undefined ? undefined : parseOption(EventRef, opts.derivedFrom, "--derived-from");
      const config = ctx.config();
      const recipients = opts.recipients === undefined ? undefined : knownMembers(listOption(OriginCode, opts.recipients, "--recipients")!, config, "--recipients");
      const keyPath = ctx.signingKey(opts.key);
      if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE, set ALLIANCE_KEY, or use a context with one");
      const data = readJsonInput(opts.data);
      const [{ loadSigner }, { createPublisher }, { checkStreamExists }, { sealingDirectories }] = await Promise.all([
        import("../../bus/keys/keys.js"), import("../../bus/publish/publisher.js"), import("../../bus/core/failures.js"), import("../directories.js"),
      ]);
      const signer = await loadSigner(keyPath);
      const lang = opts.lang !== undefined ? parseOption(Lang, opts.lang, "--lang") : (config.members.find((m) => m.code === signer.origin)?.lang ?? "en");

      const receipt = await ctx.withBus(`alliance-cli-${signer.origin}`, async (bus) => {
        // Without its stream a publish gets no answer and would retry for 30 s as if JetStream
        // were electing a leader: ask first, where this identity may.
        await checkStreamExists(bus, streamForChannel(channel));
        const sealing = recipients || group ? await sealingDirectories(bus, config, opts.directory ?? defaultDirectoryPath(ctx.env), ctx.log) : undefined;
        try {
          return await createPublisher({ js: bus.js, signer, bounds: config.bounds, log: ctx.log, ...(sealing ? { sealing } : {}) }).publish({
            channel, kind, data, tlp, lang,
            ...(expires ? { expires } : {}),
            ...(recipients ? { recipients } : {}),
            ...(group ? { group } : {}),
            ...(handling ? { handling } : {}),
            ...(opts.handlingNote ? { handlingnote: opts.handlingNote } : {}),
            ...(evaluation ? { evaluation } : {}),
            ...(derivedfrom ? { derivedfrom } : {}),
          });
        } finally {
          await sealing?.live?.close();
        }
      });
      process.stdout.write(opts.json ? `${JSON.stringify(receipt)}\n` : `id=${receipt.id} stream=${receipt.stream} seq=${receipt.seq} subject=${receipt.subject}\n`);
    });
}
