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
    .option("--bundles <dir>", "the members' public bundles (alliance member init): their public nkeys are used and no member seed is made on this host")
    .option("--reload <pid>", "then reload the nats-server with this pid (nats-server --signal reload=<pid>); it must include accounts.conf")
    .option("--http-port <port>", "that server's monitoring port: wait until it reports the new config")
    .addHelpText("after", "\nExamples:\n  alliance creds init --out creds\n  alliance creds init --out host/creds --bundles host/bundles\n  alliance creds init --out creds --reload $(pgrep -o nats-server) --http-port 8222")
    .action(async (opts: { out: string; bundles?: string; reload?: string; httpPort?: string }) => {
      const pid = opts.reload === undefined ? undefined : parseOption(Pid, opts.reload, "--reload");
      const httpPort = opts.httpPort === undefined ? undefined : parseOption(Port, opts.httpPort, "--http-port");
      const [{ writeServerAuth }, { reloadServer }, { ensureKeyFolder }, { readBundles }] = await Promise.all([
        import("../../identity/auth-files.js"), import("../../identity/reload.js"), import("../../bus/keys/key-folder.js"), import("../../identity/bundles.js"),
      ]);
      ensureKeyFolder(opts.out);
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
  creds
    .command("admit")
    .description("an admitted member's broker identity, from its public bundle: DIR/<code>.pub and DIR/accounts.conf with its permissions; no seed is made (the member holds its own)")
    .requiredOption("--bundle <file>", "the member's bundle (<code>.bundle.json), the one it applied with")
    .requiredOption("--out <dir>", "the host's credentials folder (what creds init --out wrote)")
    .option("--reload <pid>", "then reload the nats-server with this pid")
    .option("--http-port <port>", "that server's monitoring port: wait until it reports the new config")
    .action(async (opts: { bundle: string; out: string; reload?: string; httpPort?: string }) => {
      const pid = opts.reload === undefined ? undefined : parseOption(Pid, opts.reload, "--reload");
      const httpPort = opts.httpPort === undefined ? undefined : parseOption(Port, opts.httpPort, "--http-port");
      const [{ admitMemberCredentials }, { memberConfigOf, readBundle }] = await Promise.all([import("../../identity/admit.js"), import("../../identity/bundles.js")]);
      const bundle = readBundle(opts.bundle);
      const admitted = await admitMemberCredentials({ config: ctx.config(), member: memberConfigOf(bundle), bundle, credsDir: opts.out, ...(pid !== undefined ? { server: { pid, ...(httpPort ? { httpPort } : {}) } } : {}) });
      process.stdout.write(`${admitted.code}\t${admitted.publicKey}\t${admitted.accountsFile}\t${admitted.reloaded ? "reloaded" : "not reloaded"}\n`);
    });
}
