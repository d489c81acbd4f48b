import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { CliContext } from "../context.js";
import { listOption } from "../input.js";

const IdentityName = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "an identity name (fr, sec, monitor, admin…)");

export function registerCerts(program: Command, ctx: CliContext): void {
  const certs = program.command("certs").description("manage the TLS certificates of the broker (openssl)");
  certs
    .command("init")
    .description(`a local CA and a server certificate for localhost, 127.0.0.1, ::1, n1, n2, n3 and nats: DIR/ca.pem, DIR/server.pem, DIR/server-key.pem (0600) and DIR/tls.conf (the server's tls block); existing files are kept`)
    .requiredOption("--out <dir>", "directory to write the certificates into")
    .option("--clients <names>", "also client certificates for mutual TLS: comma-separated identity names, or 'all'")
    .addHelpText("after", "\nExamples:\n  alliance certs init --out certs\n  alliance certs init --out certs --clients fr,es,sec")
    .action(async (opts: { out: string; clients?: string }) => {
      const [{ ensureCertificates }, { listIdentities }, { renderClientTls }, { ensureKeyFolder }] = await Promise.all([
        import("../../identity/certs.js"), import("../../identity/identities.js"), import("../../identity/server-config.js"), import("../../bus/keys/key-folder.js"),
      ]);
      const clients = opts.clients === "all" ? listIdentities(ctx.config()).map((i) => i.name) : (listOption(IdentityName, opts.clients, "--clients") ?? []);
      ensureKeyFolder(opts.out);
      const set = ensureCertificates(opts.out, { clients });
      const tlsConf = join(set.dir, "tls.conf");
      writeFileSync(tlsConf, renderClientTls({ certFile: set.certFile, keyFile: set.keyFile, caFile: set.caFile, verify: clients.length > 0 }));
      process.stdout.write(`ca\t${set.caFile}\nserver\t${set.certFile}\t${set.keyFile}\n`);
      for (const [name, files] of Object.entries(set.clients)) process.stdout.write(`client\t${name}\t${files.certFile}\t${files.keyFile}\n`);
      process.stdout.write(`tls\t${tlsConf}\n`);
    });
}
