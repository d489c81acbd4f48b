import { Command, CommanderError } from "commander";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { registerCerts } from "./commands/certs.js";
import { registerCreds } from "./commands/creds.js";
import { registerDemo } from "./commands/demo.js";
import { registerKeys } from "./commands/keys.js";
import { registerMember } from "./commands/member.js";
import { registerMonitor } from "./commands/monitor.js";
import { registerPublish } from "./commands/publish.js";
import { registerQuarantine } from "./commands/quarantine.js";
import { registerRecover } from "./commands/recover.js";
import { registerSecretariat } from "./commands/secretariat.js";
import { registerStatus } from "./commands/status.js";
import { registerStreams } from "./commands/streams.js";
import { registerTail } from "./commands/tail.js";
import { createCliContext } from "./context.js";
import { readEnv } from "./env.js";

/** Exit codes: 0 done, 1 the work failed, 2 the command line or input was wrong, 3 `status` found a critical rule. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const EXIT_CRITICAL = 3;

export async function main(argv: string[]): Promise<number> {
  const program = new Command("alliance")
    .description("the alliance bus: signed, schema-checked bulletins between interior ministries on NATS JetStream")
    .option("--server <url>", "NATS server (default: $NATS_URL or nats://127.0.0.1:4222)")
    .option("--config <file>", "alliance config (default: $ALLIANCE_CONFIG or config/alliance.json)")
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });

  try {
    const ctx = createCliContext(readEnv(), program);
    registerKeys(program, ctx);
    registerMember(program, ctx);
    registerCreds(program, ctx);
    registerCerts(program, ctx);
    registerStreams(program, ctx);
    registerPublish(program, ctx);
    registerTail(program, ctx);
    registerQuarantine(program, ctx);
    registerRecover(program, ctx);
    registerSecretariat(program, ctx);
    registerStatus(program, ctx);
    registerMonitor(program, ctx);
    registerDemo(program, ctx);
    program.commands.forEach((c) => c.exitOverride());
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message; help and version are not failures.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
    process.stderr.write(`alliance: ${ErrorCode.UsageInvalid}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof AllianceError) {
    process.stderr.write(`alliance: ${err.code}: ${err.message}\n`);
    if (err.code === ErrorCode.HealthCritical) return EXIT_CRITICAL;
    return err.code === ErrorCode.UsageInvalid || err.code === ErrorCode.InputInvalid || err.code === ErrorCode.EventInvalid ? EXIT_USAGE : EXIT_FAILURE;
  }
  process.stderr.write(`alliance: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT_FAILURE;
}
