import type { Command } from "commander";
import { z } from "zod";
import { ContactPoint } from "../../../schemas/data/kinds.js";
import { Lang, MemberCode } from "../../../schemas/protocol.js";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";

const Line = z.string().min(1).max(200);

/**
 * `alliance member init`: the ministry's side of the key ceremony, run at the ministry. Its
 * signing key, nkey seed and encryption key are made in --out and never leave it; the public
 * bundle `<code>.bundle.json` is what it sends the host (docs/operations.md, "Founding and joining").
 */
export function registerMember(program: Command, ctx: CliContext): void {
  const member = program.command("member").description("a ministry's own keys: made and kept at the ministry, only the public bundle goes to the host");
  member
    .command("init")
    .description("make this ministry's signing key (<code>.jwk), nkey seed (<code>.nk) and encryption key (<code>.enc.jwk), all 0600, and its public bundle <code>.bundle.json")
    .requiredOption("--code <code>", "the member code (ISO 3166-1 alpha-2, lowercase)")
    .requiredOption("--out <dir>", "the ministry's key folder (git-ignored; keep it off shared disks)")
    .option("--country <name>", "country name in English (default: from the config, for a listed member)")
    .option("--native <name>", "country name in its own language (default: --country)")
    .option("--ministry <name>", "the ministry (default: from the config)")
    .option("--lang <code>", `language it publishes in: ${Lang.options.join(", ")} (default: from the config)`)
    .option("--contact <unit>", "point of contact: its unit (default: International cooperation)")
    .option("--contact-email <email>", "point of contact: its e-mail")
    .option("--force", "replace existing private keys (the old ones stop working once the new bundle is installed)")
    .action(async (o: { code: string; out: string; country?: string; native?: string; ministry?: string; lang?: string; contact?: string; contactEmail?: string; force?: boolean }) => {
      const code = parseOption(MemberCode, o.code, "--code");
      const listed = o.country && o.ministry && o.lang ? undefined : ctx.config().members.find((m) => m.code === code);
      const country = o.country ? { en: o.country, native: o.native ?? o.country } : listed?.country;
      const ministry = o.ministry ?? listed?.ministry;
      const lang = o.lang ?? listed?.lang;
      if (!country || !ministry || !lang) {
        parseOption(z.never(), undefined, `${code} is not in the config: --country, --ministry and --lang`);
      }
      const contact = parseOption(ContactPoint, { unit: parseOption(Line, o.contact ?? "International cooperation", "--contact"), ...(o.contactEmail ? { email: o.contactEmail } : {}) }, "--contact");
      const { initMember } = await import("../../identity/bundles.js");
      const folder = await initMember({ code, out: o.out, country: country!, ministry: ministry!, lang: parseOption(Lang, lang, "--lang"), contact, force: o.force === true });
      process.stdout.write(`signing\t${folder.signingKeyFile}\t${folder.bundle.signing.kid}\n`);
      process.stdout.write(`encryption\t${folder.encryptionKeyFile}\t${folder.bundle.encryption.kid}\n`);
      process.stdout.write(`seed\t${folder.seedFile}\t${folder.bundle.nkey}\n`);
      process.stdout.write(`bundle\t${folder.bundleFile}\n`);
    });
}
