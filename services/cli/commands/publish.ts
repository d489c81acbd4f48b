import type { Command } from "commander";
import { z } from "zod";
import { Channel, GovernanceKind, Lang, OriginCode, PriorityKind, Tlp } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import { streamForChannel } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { listOption, parseOption, readJsonInput } from "../input.js";
import { knownMembers } from "../members.js";

interface PublishOptions { data: string; key?: string; tlp: string; lang?: string; expires?: string; recipients?: string; json?: boolean }

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
    .option("--recipients <codes>", "comma-separated member codes from the config: restricted distribution")
    .option("--json", "print the receipt as JSON")
    .addHelpText("after", "\nExamples:\n  alliance publish crime bulletin --data bulletin.json --key keys/fr.jwk --tlp AMBER\n  echo '{...}' | ALLIANCE_KEY=keys/fr.jwk alliance publish border alert --data - --recipients es,it")
    .action(async (channelArg: string, kindArg: string, opts: PublishOptions) => {
      const channel = parseOption(Channel, channelArg, "<channel>");
      const kind = parseOption(channel === "secretariat" ? GovernanceKind : PriorityKind, kindArg, "<kind>");
      const tlp = parseOption(Tlp, opts.tlp, "--tlp");
      const expires = opts.expires === undefined ? undefined : parseOption(z.iso.datetime({ offset: true }), opts.expires, "--expires");
      const config = ctx.config();
      const recipients = opts.recipients === undefined ? undefined : knownMembers(listOption(OriginCode, opts.recipients, "--recipients")!, config, "--recipients");
      const keyPath = ctx.signingKey(opts.key);
      if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE, set ALLIANCE_KEY, or use a context with one");
      const data = readJsonInput(opts.data);
      const [{ loadSigner }, { createPublisher }, { checkStreamExists }] = await Promise.all([
        import("../../bus/keys/keys.js"), import("../../bus/publish/publisher.js"), import("../streams-check.js"),
      ]);
      const signer = await loadSigner(keyPath);
      const lang = opts.lang !== undefined ? parseOption(Lang, opts.lang, "--lang") : (config.members.find((m) => m.code === signer.origin)?.lang ?? "en");

      const receipt = await ctx.withBus(`alliance-cli-${signer.origin}`, async (bus) => {
        // Without its stream a publish gets no answer and would retry for 30 s as if JetStream
        // were electing a leader: ask first, where this identity may.
        await checkStreamExists(bus, streamForChannel(channel));
        return createPublisher({ js: bus.js, signer, bounds: config.bounds, log: ctx.log }).publish({
          channel, kind, data, tlp, lang,
          ...(expires ? { expires } : {}),
          ...(recipients ? { recipients } : {}),
        });
      });
      process.stdout.write(opts.json ? `${JSON.stringify(receipt)}\n` : `id=${receipt.id} stream=${receipt.stream} seq=${receipt.seq} subject=${receipt.subject}\n`);
    });
}
