import type { Command } from "commander";
import { z } from "zod";
import { writeServerAuth } from "../../identity/auth-files.js";
import { readBundles } from "../../identity/bundles.js";
import { reloadServer } from "../../identity/reload.js";
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
    .option("--bundles <dir>", "the members' public bundles (alliance member init): their public nkeys are used and no member seed is made on this host")
    .option("--reload <pid>", "then reload the nats-server with this pid (nats-server --signal reload=<pid>); it must include accounts.conf")
    .option("--http-port <port>", "that server's monitoring port: wait until it reports the new config")
    .action(async (opts: { out: string; bundles?: string; reload?: string; httpPort?: string }) => {
      const pid = opts.reload === undefined ? undefined : parseOption(Pid, opts.reload, "--reload");
      const httpPort = opts.httpPort === undefined ? undefined : parseOption(Port, opts.httpPort, "--http-port");
      const auth = writeServerAuth(ctx.config(), opts.out, opts.bundles ? { bundles: readBundles(opts.bundles) } : {});
      for (const key of auth.keys) {
        process.stdout.write(`${key.identity.name}\t${key.identity.kind}\t${key.seedFile ?? "(the member's own seed: public key from its bundle)"}\t${key.publicKey}\t${key.created ? "created" : "kept"}\n`);
      }
      process.stdout.write(`accounts\t${auth.accountsFile}\n`);
      if (pid !== undefined) {
        await reloadServer({ pid, ...(httpPort ? { httpPort } : {}) });
        process.stdout.write(`reloaded\t${pid}\n`);
      }
    });
}
