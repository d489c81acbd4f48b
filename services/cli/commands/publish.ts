import type { Command } from "commander";
import { z } from "zod";
import { Channel, GovernanceKind, Lang, OriginCode, PriorityKind, Tlp } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import { loadSigner } from "../../bus/keys/keys.js";
import { createPublisher } from "../../bus/publish/publisher.js";
import type { CliContext } from "../context.js";
import { listOption, parseOption, readJsonInput } from "../input.js";

interface PublishOptions { data: string; key?: string; tlp: string; lang?: string; expires?: string; recipients?: string; json?: boolean }

export function registerPublish(program: Command, ctx: CliContext): void {
  program
    .command("publish")
    .description("sign and publish one event; prints its id, stream and sequence")
    .argument("<channel>", `one of ${Channel.options.join(", ")}`)
    .argument("<kind>", `${PriorityKind.options.join(", ")} (or a governance event on secretariat)`)
    .requiredOption("--data <file>", "the event's data as JSON: a file, or - for standard input")
    .option("--key <file>", "private JWK to sign with (default: $ALLIANCE_KEY)")
    .option("--tlp <label>", `TLP 2.0 label: ${Tlp.options.join(", ")}`, "AMBER")
    .option("--lang <code>", `language of the content: ${Lang.options.join(", ")} (default: the member's)`)
    .option("--expires <time>", "RFC 3339 time after which subscribers refuse it")
    .option("--recipients <codes>", "comma-separated member codes: restricted distribution")
    .option("--json", "print the receipt as JSON")
    .action(async (channelArg: string, kindArg: string, opts: PublishOptions) => {
      const channel = parseOption(Channel, channelArg, "<channel>");
      const kind = parseOption(channel === "secretariat" ? GovernanceKind : PriorityKind, kindArg, "<kind>");
      const tlp = parseOption(Tlp, opts.tlp, "--tlp");
      const expires = opts.expires === undefined ? undefined : parseOption(z.iso.datetime({ offset: true }), opts.expires, "--expires");
      const recipients = listOption(OriginCode, opts.recipients, "--recipients");
      const keyPath = opts.key ?? ctx.env.ALLIANCE_KEY;
      if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE or set ALLIANCE_KEY");
      const data = readJsonInput(opts.data);
      const signer = await loadSigner(keyPath);
      const config = ctx.config();
      const lang = opts.lang !== undefined ? parseOption(Lang, opts.lang, "--lang") : (config.members.find((m) => m.code === signer.origin)?.lang ?? "en");

      const receipt = await ctx.withBus(`alliance-cli-${signer.origin}`, (bus) =>
        createPublisher({ js: bus.js, signer, bounds: config.bounds, log: ctx.log }).publish({
          channel, kind, data, tlp, lang,
          ...(expires ? { expires } : {}),
          ...(recipients ? { recipients } : {}),
        }),
      );
      process.stdout.write(opts.json ? `${JSON.stringify(receipt)}\n` : `id=${receipt.id} stream=${receipt.stream} seq=${receipt.seq} subject=${receipt.subject}\n`);
    });
}
