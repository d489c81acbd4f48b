import type { Command } from "commander";
import type { CliContext } from "../context.js";

interface AddOptions { server?: string; creds?: string; ca?: string; cert?: string; clientKey?: string; key?: string; directory?: string; config?: string; use?: boolean }

/**
 * `alliance context add/use/ls/rm`, like `nats context`: one profile per identity — server,
 * credentials, CA, client certificate, signing key, founding directory — so that switching
 * identity is one word (`--context fr`). Profiles hold paths, never secrets.
 */
export function registerContext(program: Command, ctx: CliContext): void {
  const context = program.command("context").description("saved profiles per identity: server, credentials, CA, keys (in $ALLIANCE_HOME or ~/.config/alliance)");
  const store = async () => {
    const profiles = await import("../../bus/core/profiles.js");
    return { ...profiles, home: profiles.allianceHome(ctx.env) };
  };
  context.command("add")
    .description("save (or replace) a profile")
    .argument("<name>", "the profile's name, e.g. the identity: fr, sec, admin")
    .option("--server <url>", "NATS server URL(s)")
    .option("--creds <file>", "this identity's nkey seed (<name>.nk) or .creds file (NATS_CREDS)")
    .option("--ca <file>", "the CA the server's certificate must chain to (NATS_CA)")
    .option("--cert <file>", "client certificate for mutual TLS (NATS_CERT)")
    .option("--client-key <file>", "its private key (NATS_KEY)")
    .option("--key <file>", "the private JWK this identity signs with (ALLIANCE_KEY)")
    .option("--directory <file>", "the founding public key directory (ALLIANCE_DIRECTORY)")
    .option("--config <file>", "the alliance config (ALLIANCE_CONFIG)")
    .option("--use", "also make it the profile used when none is named")
    .addHelpText("after", "\nExamples:\n  alliance context add fr --server tls://bus.example:4222 --creds creds/fr.nk --ca certs/ca.pem --key keys/fr.jwk --directory keys/directory.json\n  alliance --context fr publish crime bulletin --data bulletin.json")
    .action(async (name: string, own: AddOptions, command: Command) => {
      // --server and --config are also the program's options: commander hands them to either.
      const o: AddOptions = { ...command.optsWithGlobals<AddOptions>(), ...own };
      const s = await store();
      const saved = s.saveProfile(s.home, name, {
        ...(o.server ? { server: o.server } : {}), ...(o.creds ? { creds: o.creds } : {}), ...(o.ca ? { ca: o.ca } : {}),
        ...(o.cert ? { cert: o.cert } : {}), ...(o.clientKey ? { key: o.clientKey } : {}), ...(o.key ? { signingKey: o.key } : {}),
        ...(o.directory ? { directory: o.directory } : {}), ...(o.config ? { config: o.config } : {}),
      });
      if (o.use) s.selectProfile(s.home, name);
      process.stdout.write(`context\t${name}\t${Object.keys(saved).join(",") || "(empty)"}${o.use ? "\tselected" : ""}\n`);
    });
  context.command("use")
    .description("use this profile when no --context is given (NATS_* variables still override it)")
    .argument("<name>")
    .action(async (name: string) => {
      const s = await store();
      s.selectProfile(s.home, name);
      process.stdout.write(`selected\t${name}\n`);
    });
  context.command("ls")
    .description("list the profiles; * marks the selected one")
    .option("--json", "one JSON object a line")
    .action(async (o: { json?: boolean }) => {
      const s = await store();
      const selected = s.selectedProfile(s.home);
      for (const name of s.listProfiles(s.home)) {
        const p = s.loadProfile(s.home, name);
        process.stdout.write(o.json ? `${JSON.stringify({ name, selected: name === selected, ...p })}\n` : `${name === selected ? "*" : " "} ${name.padEnd(12)} ${p.server ?? "-"}  ${p.creds ?? ""}\n`);
      }
    });
  context.command("show")
    .description("print a profile (default: the selected one)")
    .argument("[name]")
    .action(async (name: string | undefined) => {
      const s = await store();
      const which = name ?? s.selectedProfile(s.home);
      const { AllianceError, ErrorCode } = await import("../../bus/core/errors.js");
      if (!which) throw new AllianceError(ErrorCode.ContextUnknown, "no context selected (alliance context use NAME)");
      process.stdout.write(`${JSON.stringify({ name: which, ...s.loadProfile(s.home, which) }, null, 2)}\n`);
    });
  context.command("rm")
    .description("remove a profile")
    .argument("<name>")
    .action(async (name: string) => {
      const s = await store();
      s.removeProfile(s.home, name);
      process.stdout.write(`removed\t${name}\n`);
    });
}
