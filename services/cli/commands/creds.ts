import type { Command } from "commander";
import { z } from "zod";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";

const Pid = z.coerce.number().int().positive();
const Port = z.coerce.number().int().min(1).max(65_535);

export function registerCreds(program: Command, ctx: CliContext): void {
  const creds = program.command("creds").description("manage the broker credentials of the alliance's identities (NATS nkeys)");
  creds
    .command("init")
    .description("an nkey per member, the secretariat, the monitor, the administrator and the system user: DIR/<name>.nk (seed, 0600) and DIR/accounts.conf (the server's accounts and permissions, public keys only); existing seeds are kept")
    .requiredOption("--out <dir>", "directory to write the seeds and accounts.conf into")
    .option("--reload <pid>", "then reload the nats-server with this pid (nats-server --signal reload=<pid>); it must include accounts.conf")
    .option("--http-port <port>", "that server's monitoring port: wait until it reports the new config")
    .addHelpText("after", "\nExamples:\n  alliance creds init --out creds\n  alliance creds init --out creds --reload $(pgrep -o nats-server) --http-port 8222")
    .action(async (opts: { out: string; reload?: string; httpPort?: string }) => {
      const pid = opts.reload === undefined ? undefined : parseOption(Pid, opts.reload, "--reload");
      const httpPort = opts.httpPort === undefined ? undefined : parseOption(Port, opts.httpPort, "--http-port");
      const [{ writeServerAuth }, { reloadServer }, { ensureKeyFolder }] = await Promise.all([import("../../identity/auth-files.js"), import("../../identity/reload.js"), import("../../bus/keys/key-folder.js")]);
      ensureKeyFolder(opts.out);
      const auth = writeServerAuth(ctx.config(), opts.out);
      for (const key of auth.keys) {
        process.stdout.write(`${key.identity.name}\t${key.identity.kind}\t${key.seedFile}\t${key.publicKey}\t${key.created ? "created" : "kept"}\n`);
      }
      process.stdout.write(`accounts\t${auth.accountsFile}\n`);
      if (pid !== undefined) {
        await reloadServer({ pid, ...(httpPort ? { httpPort } : {}) });
        process.stdout.write(`reloaded\t${pid}\n`);
      }
    });
}
