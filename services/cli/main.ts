import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { registerBackup } from "./commands/backup.js";
import { registerCerts } from "./commands/certs.js";
import { registerContext } from "./commands/context.js";
import { registerCreds } from "./commands/creds.js";
import { registerDemo } from "./commands/demo.js";
import { registerKeys } from "./commands/keys.js";
import { registerKeysEnc } from "./commands/keys-enc.js";
import { registerMember } from "./commands/member.js";
import { registerMonitor } from "./commands/monitor.js";
import { registerPublish } from "./commands/publish.js";
import { registerQuarantine } from "./commands/quarantine.js";
import { registerRecover } from "./commands/recover.js";
import { registerSecretariat } from "./commands/secretariat.js";
import { registerStatus } from "./commands/status.js";
import { registerStreams } from "./commands/streams.js";
import { registerTail } from "./commands/tail.js";
import { registerRequest } from "./commands/request.js";
import { registerRespond } from "./commands/respond.js";
import { registerRequests } from "./commands/requests.js";
import { registerReceipts } from "./commands/receipts.js";
import { registerConsent } from "./commands/consent.js";
import { registerRetract } from "./commands/retract.js";
import { registerRecall } from "./commands/recall.js";
import { createCliContext } from "./context.js";
import { readEnv } from "./env.js";
import { Exit, exitCodeOf } from "./exit-codes.js";
import { startProgress } from "./progress.js";

// Command files import only commander, zod and schemas at the top; what talks to NATS is imported
// inside each action, so `--help` and `--version` stay fast.

const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export async function main(argv: string[]): Promise<number> {
  guardStdout();
  const program = new Command("alliance")
    .description("the alliance bus: signed, schema-checked bulletins between interior ministries on NATS JetStream")
    .version(VERSION, "-V, --version")
    .option("--server <url>", "NATS server (default: the context's, $NATS_URL, or nats://127.0.0.1:4222)")
    .option("--config <file>", "alliance config (default: the context's, $ALLIANCE_CONFIG, or config/alliance.json)")
    .option("--context <name>", "a saved profile: server, credentials, CA, keys (alliance context add; also $ALLIANCE_CONTEXT)")
    .addOption(new Option("-v, --verbose", "log more: -v connections and progress, -vv debug").argParser((_v, prev: number) => prev + 1).default(0))
    .showHelpAfterError()
    .exitOverride();
  program.configureOutput({ writeErr: (text) => process.stderr.write(text) });

  try {
    const ctx = createCliContext(readEnv(), program);
    program.hook("preAction", async (_root, action) => {
      await ctx.prepare();
      startProgress(action);
    });
    registerContext(program, ctx);
    registerKeys(program, ctx);
    registerKeysEnc(program, ctx);
    registerMember(program, ctx);
    registerCreds(program, ctx);
    registerCerts(program, ctx);
    registerStreams(program, ctx);
    registerPublish(program, ctx);
    registerTail(program, ctx);
    registerQuarantine(program, ctx);
    registerRequest(program, ctx);
    registerRespond(program, ctx);
    registerRequests(program, ctx);
    registerReceipts(program, ctx);
    registerConsent(program, ctx);
    registerRetract(program, ctx);
    registerRecall(program, ctx);
    registerRecover(program, ctx);
    registerSecretariat(program, ctx);
    registerStatus(program, ctx);
    registerMonitor(program, ctx);
    registerDemo(program, ctx);
    registerBackup(program, ctx);
    overrideExits(program);
    await program.parseAsync(argv);
    return Exit.Ok;
  } catch (err) {
    return reportError(err);
  }
}

function overrideExits(command: Command): void {
  for (const c of command.commands) {
    c.exitOverride();
    overrideExits(c);
  }
}

/** `alliance streams --json | head -1`: a reader that goes away ends the command quietly, as `cat` does. */
function guardStdout(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(Exit.Ok);
    throw err;
  });
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message; help and version are not failures.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help" || err.exitCode === 0) return Exit.Ok;
    process.stderr.write(`alliance: ${ErrorCode.UsageInvalid}\n`);
    return Exit.Usage;
  }
  if (err instanceof AllianceError) {
    process.stderr.write(`alliance: ${err.code}: ${err.message}\n`);
    return exitCodeOf(err.code);
  }
  const e = err instanceof Error ? err : undefined;
  const what = e ? `${e.name}${(e as { code?: unknown }).code !== undefined ? ` (${String((e as { code?: unknown }).code)})` : ""}: ${e.message || "(no message)"}` : String(err);
  process.stderr.write(`alliance: unexpected error: ${what}\n${e?.stack ? `${e.stack}\n` : ""}`);
  return Exit.Failure;
}
