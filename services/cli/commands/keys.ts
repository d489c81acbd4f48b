import type { Command } from "commander";
import { OriginCode, SECRETARIAT_CODE } from "../../../schemas/protocol.js";
import { initKeys } from "../../bus/keys/keys.js";
import type { CliContext } from "../context.js";
import { listOption } from "../input.js";

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command("keys").description("manage Ed25519 signing keys and X25519 encryption keys");
  keys
    .command("init")
    .description("create a signing key pair for each member and the secretariat, <code>.jwk (private, 0600), an encryption keyring for each member, <code>.enc.jwk (0600), and directory.json (public JWKS of both)")
    .requiredOption("--out <dir>", "directory to write the keys into")
    .option("--members <codes>", "comma-separated member codes (default: every member in the config); the secretariat 'sec' is always included")
    .action(async (opts: { out: string; members?: string }) => {
      const members = listOption(OriginCode, opts.members, "--members") ?? ctx.config().members.map((m) => m.code);
      const origins = [...new Set([...members, SECRETARIAT_CODE])];
      const directory = await initKeys(opts.out, origins);
      for (const key of directory.keys) process.stdout.write(`${key.kid}\t${opts.out}/${key.kid.split(":")[0]}${key.use === "enc" ? ".enc" : ""}.jwk\n`);
      process.stdout.write(`directory\t${opts.out}/directory.json\n`);
    });
}
