import { z } from "zod";
import { ContactPoint } from "./data/kinds.js";
import { line } from "./data/common.js";
import { EncPublicJwk, PublicJwk } from "./keys.js";
import { Lang, MemberCode } from "./protocol.js";

/** A NATS user public nkey: `U` and 55 base32 characters. Never a seed (`SU…`). */
export const NkeyPublicKey = z.string().regex(/^U[A-Z2-7]{55}$/, "a NATS user public nkey (U…)");

/**
 * `<code>.bundle.json`: everything public a ministry hands the host when it founds the alliance
 * or applies to join, made by `alliance member init` at the ministry. Its private halves (signing
 * key, nkey seed, encryption key) stay in the ministry's folder; the host builds the server
 * config, the founding directory and an application from bundles alone.
 */
export const MemberBundle = z
  .strictObject({
    bundle: z.literal(1).describe("Format version."),
    code: MemberCode,
    country: z.strictObject({ en: line(100), native: line(100) }),
    ministry: line(200),
    lang: Lang,
    contact: ContactPoint,
    signing: PublicJwk.describe("The member's Ed25519 signing key, public half; kid <code>:<key-id>."),
    encryption: EncPublicJwk.describe("The member's X25519 encryption key, public half; kid <code>:enc-<key-id>."),
    nkey: NkeyPublicKey.describe("The member's broker identity: the public nkey its seed derives."),
  })
  .superRefine((b, ctx) => {
    for (const field of ["signing", "encryption"] as const) {
      if (!b[field].kid.startsWith(`${b.code}:`)) ctx.addIssue({ code: "custom", path: [field, "kid"], message: `must be ${b.code}:<key-id>` });
    }
  });
export type MemberBundle = z.infer<typeof MemberBundle>;

/** The file name of a member's bundle. */
export function bundleFileName(code: string): string {
  return `${code}.bundle.json`;
}
