import type { Command } from "commander";
import { OriginCode, SECRETARIAT_CODE } from "../../../schemas/protocol.js";
import { initKeys } from "../../bus/keys/keys.js";
import { readBundles, writeFoundingDirectory } from "../../identity/bundles.js";
import type { CliContext } from "../context.js";
import { listOption } from "../input.js";

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command("keys").description("manage Ed25519 signing keys");
  keys
    .command("init")
    .description("create a key pair for each member and the secretariat: <code>.jwk (private, 0600) and directory.json (public JWKS)")
    .requiredOption("--out <dir>", "directory to write the keys into")
    .option("--members <codes>", "comma-separated member codes (default: every member in the config); the secretariat 'sec' is always included")
    .action(async (opts: { out: string; members?: string }) => {
      const members = listOption(OriginCode, opts.members, "--members") ?? ctx.config().members.map((m) => m.code);
      const origins = [...new Set([...members, SECRETARIAT_CODE])];
      const directory = await initKeys(opts.out, origins);
      for (const key of directory.keys) process.stdout.write(`${key.kid}\t${opts.out}/${key.kid.split(":")[0]}.jwk\n`);
      process.stdout.write(`directory\t${opts.out}/directory.json\n`);
    });
  keys
    .command("directory")
    .description("the host's side of founding: the founding directory (directory.json) from the members' public bundles, and the secretariat's key (sec.jwk, made once); no member private key is made or read")
    .requiredOption("--bundles <dir>", "the members' bundles (<code>.bundle.json, from alliance member init)")
    .requiredOption("--out <dir>", "the host's keys folder")
    .action(async (opts: { bundles: string; out: string }) => {
      const config = ctx.config();
      const bundles = readBundles(opts.bundles);
      const founding = await writeFoundingDirectory(opts.out, bundles, config.secretariat.code);
      for (const key of founding.directory.keys) process.stdout.write(`${key.kid}\n`);
      process.stdout.write(`secretariat\t${founding.secretariatKeyFile}\t${founding.secretariatKeyCreated ? "created" : "kept"}\n`);
      process.stdout.write(`directory\t${founding.directoryFile}\n`);
    });
}
