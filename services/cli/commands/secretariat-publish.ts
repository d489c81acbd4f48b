import { SECRETARIAT_CODE } from "../../../schemas/protocol.js";
import { AllianceError, ErrorCode } from "../../bus/core/errors.js";
import type { Signer } from "../../bus/keys/keys.js";
import type { CliContext } from "../context.js";

/** Who signs a governance action: the secretariat's key, a member's, or either. */
export type Signatory = "secretariat" | "member" | "either";

export interface KeyOption { key?: string; json?: boolean }

/** The signing key of a command: --key, else $ALLIANCE_KEY; checked against who may sign. */
export async function actionSigner(ctx: CliContext, opts: KeyOption, who: Signatory, what: string): Promise<Signer> {
  const keyPath = ctx.signingKey(opts.key);
  if (!keyPath) throw new AllianceError(ErrorCode.UsageInvalid, "--key: no signing key; pass --key FILE, set ALLIANCE_KEY, or use a context with one");
  const { loadSigner } = await import("../../bus/keys/keys.js");
  const signer = await loadSigner(keyPath);
  if (who === "secretariat" && signer.origin !== SECRETARIAT_CODE) {
    throw new AllianceError(ErrorCode.UsageInvalid, `--key: ${what} is the secretariat's to sign; ${keyPath} is ${signer.kid}`);
  }
  if (who === "member" && signer.origin === SECRETARIAT_CODE) {
    throw new AllianceError(ErrorCode.UsageInvalid, `--key: ${what} is a member's to sign; ${keyPath} is the secretariat's`);
  }
  return signer;
}

/**
 * Signs and publishes one governance event on `alliance.secretariat.<origin>.<kind>` and prints
 * its receipt. The secretariat answers a refused action with action-rejected on the stream
 * (`alliance secretariat show refusals`).
 */
export async function publishAction(ctx: CliContext, opts: KeyOption, who: Signatory, kind: string, data: unknown, signer?: Signer): Promise<{ id: string; seq: number }> {
  const by = signer ?? (await actionSigner(ctx, opts, who, kind));
  const config = ctx.config();
  const lang = config.members.find((m) => m.code === by.origin)?.lang ?? "en";
  const { createPublisher } = await import("../../bus/publish/publisher.js");
  const receipt = await ctx.withBus(`alliance-cli-${by.origin}`, (bus) =>
    createPublisher({ js: bus.js, signer: by, bounds: config.bounds, log: ctx.log }).publish({ channel: "secretariat", kind, data, tlp: "GREEN", lang }),
  );
  process.stdout.write(opts.json ? `${JSON.stringify({ kind, ...receipt })}\n` : `${kind} id=${receipt.id} seq=${receipt.seq} by=${by.kid}\n`);
  return { id: receipt.id, seq: receipt.seq };
}
