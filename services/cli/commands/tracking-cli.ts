import { existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { Signer } from "../../bus/keys/keys.js";
import type { Tracking } from "../../tracking/index.js";
import type { CliContext } from "../context.js";
import { defaultDirectoryPath } from "../env.js";

/** The options every tracking command shares: whose key signs, and which directory verifies. */
export function trackingOptions(command: Command): Command {
  return command
    .option("--key <file>", "this member's private JWK (default: $ALLIANCE_KEY); it names the member")
    .option("--directory <file>", "the public key directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .option("--enc-key <file>", "this member's encryption keyring (default: $ALLIANCE_ENC_KEY, or <code>.enc.jwk beside --key): opens what is sealed to it")
    .option("--sent <file>", "where this member keeps the plaintext of its own sealed events (default: <code>.sent.jsonl beside --key)")
    .option("--json", "print JSON");
}

export interface TrackingCliOptions { key?: string; directory?: string; encKey?: string; sent?: string; json?: boolean }

/**
 * Runs `work` with this member's tracking state folded from the priority streams (v1.1 §1b.4),
 * each message verified as a subscriber would, and what is sealed to the member opened with its
 * keyring. The CLI keeps no state of its own but the plaintext of the member's own sealed events
 * (its sent log, beside its keys): only recipients can open a sealed event, and its originator is
 * not one. What it publishes is sealed when restricted (recipients' keys from the live directory).
 */
export async function withMemberTracking<T>(ctx: CliContext, opts: TrackingCliOptions, work: (tracking: Tracking, signer: Signer) => Promise<T>): Promise<T> {
  const keyPath = opts.key ?? ctx.env.ALLIANCE_KEY;
  if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE or set ALLIANCE_KEY");
  // Loaded on use: the commands' --help loads no NATS client.
  const [{ StaticKeyDirectory }, { encKeyringFile, loadSigner }, { loadEncKeyring }, { createPublisher }, { createVerifier }, { createTracking, fileSentLog, sentLogLimits }, { sealingDirectories }] = await Promise.all([
    import("../../bus/keys/directory.js"), import("../../bus/keys/keys.js"), import("../../bus/keys/keyring.js"), import("../../bus/publish/publisher.js"),
    import("../../bus/wire/verify.js"), import("../../tracking/index.js"), import("../directories.js"),
  ]);
  const signer = await loadSigner(keyPath);
  const config = ctx.config();
  const lang = config.members.find((m) => m.code === signer.origin)?.lang ?? "en";
  const beside = dirname(keyPath);
  const encKeyPath = opts.encKey ?? ctx.env.ALLIANCE_ENC_KEY ?? encKeyringFile(beside, signer.origin);
  const explicitEncKey = opts.encKey !== undefined || ctx.env.ALLIANCE_ENC_KEY !== undefined;
  const keyring = explicitEncKey || existsSync(encKeyPath) ? loadEncKeyring(encKeyPath) : undefined;
  if (!keyring) process.stderr.write(`no encryption keyring (${encKeyPath}): what is sealed to ${signer.origin} is skipped\n`);
  // Pruned as it opens, by the config's tracking.sentLog: nothing older than the streams keep, at most maxEntries.
  const sent = fileSentLog(opts.sent ?? `${beside}/${signer.origin}.sent.jsonl`, sentLogLimits(config));
  const directoryFile = opts.directory ?? defaultDirectoryPath(ctx.env);
  const directory = await StaticKeyDirectory.fromFile(directoryFile);
  return ctx.withBus(`alliance-cli-${signer.origin}`, async (bus) => {
    const sealing = await sealingDirectories(bus, config, directoryFile, ctx.log);
    try {
      const publisher = createPublisher({ js: bus.js, signer, bounds: config.bounds, log: ctx.log, sealing });
      const tracking = createTracking({
        bus, member: signer.origin, lang, verify: createVerifier({ bounds: config.bounds, directory }), log: ctx.log,
        config: config.tracking, subscriber: config.subscriber, bounds: config.bounds, publisher, sent, ...(keyring ? { keyring } : {}),
      });
      await tracking.rebuild({ readerNames: (stream) => ctx.readerNames(stream) });
      return await work(tracking, signer);
    } finally {
      await sealing.live?.close();
    }
  });
}

export function printSent(opts: TrackingCliOptions, sent: { id: string; stream: string; seq: number; subject: string }, extra: Record<string, unknown> = {}): void {
  const line = Object.entries(extra).map(([k, v]) => ` ${k}=${String(v)}`).join("");
  process.stdout.write(opts.json ? `${JSON.stringify({ ...sent, ...extra })}\n` : `id=${sent.id} stream=${sent.stream} seq=${sent.seq} subject=${sent.subject}${line}\n`);
}
