import type { Command } from "commander";
import { PriorityChannel } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import { streamForChannel } from "../../bus/wire/subjects.js";
import type { CliContext } from "../context.js";
import { defaultDirectoryPath } from "../env.js";

// Loaded when a command runs, not for --help (services/cli/main.ts keeps start-up light).
const encryption = () => import("../../bus/keys/encryption.js");
const keyring = () => import("../../bus/keys/keyring.js");
const keys_ = () => import("../../bus/keys/keys.js");

interface EncOptions { key?: string; encKey?: string; directory?: string; dryRun?: boolean }

/** `alliance keys rotate-enc | prune | enc-status`: a member's encryption keys (v1.1 §1b.1). */
export function registerKeysEnc(program: Command, ctx: CliContext): void {
  const keys = program.commands.find((c) => c.name() === "keys") ?? program.command("keys");
  const keyringFile = (opts: EncOptions) => {
    const file = opts.encKey ?? ctx.env.ALLIANCE_ENC_KEY;
    if (!file) throw new AllianceError(ErrorCode.UsageInvalid, "--enc-key: no encryption keyring; pass --enc-key FILE or set ALLIANCE_ENC_KEY");
    return file;
  };

  keys
    .command("rotate-enc")
    .description("make a new encryption key pair, keep it in the keyring beside the older ones, and publish the signed enc-key-rotated event")
    .option("--key <file>", "private signing JWK (default: $ALLIANCE_KEY)")
    .option("--enc-key <file>", "the encryption keyring (default: $ALLIANCE_ENC_KEY)")
    .action(async (opts: EncOptions) => {
      const [{ generateEncryptionKey, toPublicEncJwk }, { loadEncKeyring, saveEncKeyring }, { loadSigner }, { createPublisher }] = await Promise.all([
        encryption(), keyring(), keys_(), import("../../bus/publish/publisher.js"),
      ]);
      const keyPath = opts.key ?? ctx.env.ALLIANCE_KEY;
      if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE or set ALLIANCE_KEY");
      const signer = await loadSigner(keyPath);
      const file = keyringFile(opts);
      const ring = loadEncKeyring(file);
      if (ring.member !== signer.origin) throw new AllianceError(ErrorCode.UsageInvalid, `the keyring is ${ring.member}'s, the signing key ${signer.origin}'s`);
      const next = await generateEncryptionKey(signer.origin);
      // The private key is kept before the public half is announced: a sealed message never meets a key we lost.
      saveEncKeyring(file, ring.with(next));
      const receipt = await ctx.withBus(`alliance-cli-${signer.origin}`, (bus) =>
        createPublisher({ js: bus.js, signer, bounds: ctx.config().bounds, log: ctx.log }).publish({ channel: "secretariat", kind: "enc-key-rotated", data: { next: toPublicEncJwk(next) }, tlp: "GREEN", lang: "en" }),
      );
      process.stdout.write(`rotated ${ring.current.kid} -> ${next.kid} id=${receipt.id} seq=${receipt.seq}\n`);
    });

  keys
    .command("prune")
    .description("destroy the rotated-out encryption private keys that no sealed message in the streams still needs")
    .option("--enc-key <file>", "the encryption keyring (default: $ALLIANCE_ENC_KEY)")
    .option("--dry-run", "say what would be destroyed, destroy nothing")
    .action(async (opts: EncOptions) => {
      const [{ loadEncKeyring, saveEncKeyring }, { sealedKidsInStreams }] = await Promise.all([keyring(), import("../../bus/admin/sealed-kids.js")]);
      const file = keyringFile(opts);
      const ring = loadEncKeyring(file);
      const streams = PriorityChannel.options.map(streamForChannel);
      const needed = await ctx.withBus("alliance-keys-prune", (bus) => sealedKidsInStreams(bus.js, bus.jsm, ring.member, streams, (s) => ctx.readerNames(s)));
      const { kept, destroyed } = ring.prune(needed);
      if (!opts.dryRun && destroyed.length > 0) saveEncKeyring(file, kept);
      for (const kid of destroyed) process.stdout.write(`${opts.dryRun ? "would destroy" : "destroyed"}\t${kid}\n`);
      for (const k of kept.keys) process.stdout.write(`kept\t${k.kid}\n`);
    });

  keys
    .command("enc-status")
    .description("each member's current encryption key from the live directory, and whether its rotation is due (config encryption.rotationDays)")
    .option("--directory <file>", "the founding public key directory (default: $ALLIANCE_DIRECTORY or .data/keys/directory.json)")
    .action(async (opts: EncOptions) => {
      const [{ encRotationAt }, { loadJwks }, { createLiveDirectory }] = await Promise.all([import("../../secretariat/state/lookup.js"), keys_(), import("../../secretariat/live-directory.js")]);
      const config = ctx.config();
      await ctx.withBus("alliance-keys-status", async (bus) => {
        const live = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding: loadJwks(opts.directory ?? defaultDirectoryPath(ctx.env)), log: ctx.log });
        try {
          await live.ready();
          const now = Date.now();
          for (const code of Object.keys(live.state().members).sort()) {
            const found = encRotationAt(live.state(), code, now, config.encryption.rotationDays);
            if (found.status !== "active") {
              process.stdout.write(`${code}\t${found.status}\n`);
              continue;
            }
            process.stdout.write(`${code}\t${found.kid}\tsince=${found.validFrom ?? "founding"}\trotation=${found.due ? "due" : "not-due"}\n`);
          }
        } finally {
          await live.close();
        }
      });
    });
}
