import type { Command } from "commander";
import { OriginCode } from "../../../schemas/protocol.js";
import type { CliContext } from "../context.js";
import { listOption } from "../input.js";
import { knownMembers } from "../members.js";

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command("keys").description("manage Ed25519 signing keys and X25519 encryption keys");
  keys
    .command("init")
    .description("create a signing key pair for each member and the secretariat, <code>.jwk (private, 0600), an encryption keyring for each member, <code>.enc.jwk (0600), directory.json (public JWKS of both) and a .gitignore holding *; existing keys are never replaced without --force (ERR_KEY_EXISTS)")
    .requiredOption("--out <dir>", "directory to write the keys into")
    .option("--members <codes>", "comma-separated member codes from the config (default: every member); the secretariat 'sec' is always included")
    .option("--applicant <code>", "also a key for a ministry applying to join, not yet in the config")
    .option("--force", "replace existing keys: every message signed with them becomes unverifiable (unknown-key)")
    .addHelpText("after", "\nExamples:\n  alliance keys init --out keys\n  alliance keys init --out keys --members fr,es\n  alliance keys init --out jo-keys --members fr --applicant jo")
    .action(async (opts: { out: string; members?: string; applicant?: string; force?: boolean }) => {
      const { initKeys } = await import("../../bus/keys/keys.js");
      const config = ctx.config();
      const applicant = opts.applicant === undefined ? [] : (listOption(OriginCode, opts.applicant, "--applicant") ?? []);
      const members = opts.members === undefined ? config.members.map((m) => m.code) : knownMembers(listOption(OriginCode, opts.members, "--members")!, config, "--members");
      const origins = [...new Set([...members, ...applicant, config.secretariat.code])];
      const directory = await initKeys(opts.out, origins, { force: Boolean(opts.force) });
      for (const key of directory.keys) process.stdout.write(`${key.kid}\t${opts.out}/${key.kid.split(":")[0]}${key.use === "enc" ? ".enc" : ""}.jwk\n`);
      process.stdout.write(`directory\t${opts.out}/directory.json\n`);
    });
  keys
    .command("public")
    .description("write the public half of a private JWK: what `alliance gov apply --public-key` and `gov motion revoke-key --next` take")
    .requiredOption("--key <file>", "the private JWK")
    .option("--out <file>", "where to write it (default: standard output)")
    .option("--force", "replace an existing --out file")
    .addHelpText("after", "\nExamples:\n  alliance keys public --key jo-keys/jo.jwk --out jo.pub.json")
    .action(async (opts: { key: string; out?: string; force?: boolean }) => {
      const [{ existsSync, writeFileSync }, { PrivateJwk }, { toPublicJwk }, { readKeyFileJson }, { AllianceError, ErrorCode }] = await Promise.all([
        import("node:fs"), import("../../../schemas/keys.js"), import("../../bus/keys/keys.js"), import("../../bus/keys/key-file.js"), import("../../bus/core/errors.js"),
      ]);
      const raw = readKeyFileJson(opts.key, ErrorCode.KeyInvalid, ErrorCode.KeyUnreadable);
      const parsed = PrivateJwk.safeParse(raw);
      if (!parsed.success) throw new AllianceError(ErrorCode.KeyInvalid, `${opts.key} is not a private signing JWK (fields: ${parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ")})`);
      const text = `${JSON.stringify(toPublicJwk(parsed.data), null, 2)}\n`;
      if (!opts.out) return void process.stdout.write(text);
      if (existsSync(opts.out) && !opts.force) throw new AllianceError(ErrorCode.KeyExists, `${opts.out} already exists; pass --force to replace it`);
      writeFileSync(opts.out, text);
      process.stdout.write(`public\t${parsed.data.kid}\t${opts.out}\n`);
    });
  keys
    .command("directory")
    .description("the host's side of founding: the founding directory (directory.json) from the members' public bundles, and the secretariat's key (sec.jwk, made once); no member private key is made or read")
    .requiredOption("--bundles <dir>", "the members' bundles (<code>.bundle.json, from alliance member init)")
    .requiredOption("--out <dir>", "the host's keys folder")
    .action(async (opts: { bundles: string; out: string }) => {
      const { readBundles, writeFoundingDirectory } = await import("../../identity/bundles.js");
      const config = ctx.config();
      const bundles = readBundles(opts.bundles);
      const founding = await writeFoundingDirectory(opts.out, bundles, config.secretariat.code);
      for (const key of founding.directory.keys) process.stdout.write(`${key.kid}\n`);
      process.stdout.write(`secretariat\t${founding.secretariatKeyFile}\t${founding.secretariatKeyCreated ? "created" : "kept"}\n`);
      process.stdout.write(`directory\t${founding.directoryFile}\n`);
    });
}
