import type { Command } from "commander";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import { StaticKeyDirectory } from "../../bus/keys/directory.js";
import { loadSigner, type Signer } from "../../bus/keys/keys.js";
import { createPublisher } from "../../bus/publish/publisher.js";
import { createVerifier } from "../../bus/wire/verify.js";
import { createTracking, type Tracking } from "../../tracking/index.js";
import type { CliContext } from "../context.js";
import { defaultDirectoryPath } from "../env.js";

/** The options every tracking command shares: whose key signs, and which directory verifies. */
export function trackingOptions(command: Command): Command {
  return command
    .option("--key <file>", "this member's private JWK (default: $ALLIANCE_KEY); it names the member")
    .option("--directory <file>", "the public key directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .option("--json", "print JSON");
}

export interface TrackingCliOptions { key?: string; directory?: string; json?: boolean }

/**
 * Runs `work` with this member's tracking state folded from the priority streams (v1.1 §1b.4),
 * each message verified as a subscriber would: the CLI keeps no state of its own.
 */
export async function withMemberTracking<T>(ctx: CliContext, opts: TrackingCliOptions, work: (tracking: Tracking, signer: Signer) => Promise<T>): Promise<T> {
  const keyPath = opts.key ?? ctx.env.ALLIANCE_KEY;
  if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE or set ALLIANCE_KEY");
  const signer = await loadSigner(keyPath);
  const config = ctx.config();
  const directory = await StaticKeyDirectory.fromFile(opts.directory ?? defaultDirectoryPath(ctx.env));
  const lang = config.members.find((m) => m.code === signer.origin)?.lang ?? "en";
  return ctx.withBus(`alliance-cli-${signer.origin}`, async (bus) => {
    const publisher = createPublisher({ js: bus.js, signer, bounds: config.bounds, log: ctx.log });
    const tracking = createTracking({
      bus, member: signer.origin, lang, verify: createVerifier({ bounds: config.bounds, directory }), log: ctx.log,
      config: config.tracking, subscriber: config.subscriber, bounds: config.bounds, publisher,
    });
    await tracking.rebuild({ readerNames: (stream) => ctx.readerNames(stream) });
    return work(tracking, signer);
  });
}

export function printSent(opts: TrackingCliOptions, sent: { id: string; stream: string; seq: number; subject: string }, extra: Record<string, unknown> = {}): void {
  const line = Object.entries(extra).map(([k, v]) => ` ${k}=${String(v)}`).join("");
  process.stdout.write(opts.json ? `${JSON.stringify({ ...sent, ...extra })}\n` : `id=${sent.id} stream=${sent.stream} seq=${sent.seq} subject=${sent.subject}${line}\n`);
}
