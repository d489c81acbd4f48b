import { chmodSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { EncPrivateJwk } from "../../../schemas/keys.js";
import { AllianceError, ErrorCode } from "../core/errors.js";
import { readKeyFileJson } from "./key-file.js";
import { memberOfKid } from "./directory.js";

/**
 * A member's encryption keyring (v1.1 §1b.1): its current X25519 private key and the rotated-out
 * ones it still needs to read messages sealed to them, oldest first, as a JWKS of private keys
 * (mode 0600). A single `<code>.enc.jwk` file is a keyring of one key.
 */
export const EncKeyringFile = z.strictObject({ keys: z.array(EncPrivateJwk).min(1).max(1000) });
export type EncKeyringFile = z.infer<typeof EncKeyringFile>;

export class EncKeyring {
  readonly member: string;

  constructor(readonly keys: readonly EncPrivateJwk[]) {
    if (keys.length === 0) throw new AllianceError(ErrorCode.KeyInvalid, "an encryption keyring holds at least one key");
    this.member = memberOfKid(keys[0]!.kid);
    if (keys.some((k) => memberOfKid(k.kid) !== this.member)) throw new AllianceError(ErrorCode.KeyInvalid, "an encryption keyring holds one member's keys only");
    if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new AllianceError(ErrorCode.KeyInvalid, "a kid appears twice in the keyring");
  }

  /** The newest key: the one the member published last. */
  get current(): EncPrivateJwk {
    return this.keys[this.keys.length - 1]!;
  }

  privateKeyFor(kid: string): EncPrivateJwk | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  with(next: EncPrivateJwk): EncKeyring {
    return new EncKeyring([...this.keys, next]);
  }

  /** Keeps the current key and the older keys `needed` names; the rest are to be destroyed. */
  prune(needed: ReadonlySet<string>): { kept: EncKeyring; destroyed: string[] } {
    const current = this.current.kid;
    const kept = this.keys.filter((k) => k.kid === current || needed.has(k.kid));
    return { kept: new EncKeyring(kept), destroyed: this.keys.filter((k) => !kept.includes(k)).map((k) => k.kid) };
  }
}

/** Loads a keyring file, or a single private key file; errors name the file and fields, never values. */
export function loadEncKeyring(path: string): EncKeyring {
  // Errors name the file, never its content (a syntax error's message would quote the key).
  const raw = readKeyFileJson(path, ErrorCode.KeyInvalid, ErrorCode.KeyUnreadable);
  const single = EncPrivateJwk.safeParse(raw);
  if (single.success) return new EncKeyring([single.data]);
  const ring = EncKeyringFile.safeParse(raw);
  if (!ring.success) {
    const fields = ring.error.issues.map((i) => i.path.join(".") || "(root)").join(", ");
    throw new AllianceError(ErrorCode.KeyInvalid, `invalid encryption keyring in ${path}: bad field(s) ${fields}`);
  }
  return new EncKeyring(ring.data.keys);
}

/** Writes a keyring atomically (a new file renamed over the old one), mode 0600. */
export function saveEncKeyring(path: string, ring: EncKeyring): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ keys: ring.keys }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
