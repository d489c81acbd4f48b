import type { webcrypto } from "node:crypto";
import type { PublicJwk } from "../../schemas/keys.js";
import { importPublicJwk, type KeyDirectory, type KeyLookup } from "../bus/keys/directory.js";
import { keyStatusAt } from "./state/lookup.js";
import type { GovState, KeyRing } from "./state/types.js";

/**
 * A KeyDirectory over a governance state: the founding keys plus every key that signed
 * membership and key events have added, with their validity over time. `lookup` is synchronous
 * (the KeyDirectory contract), so keys are imported ahead, by `sync`, after each change of the
 * state's key rings; a kid whose key is not imported yet reads as unknown.
 */
export class StateDirectory implements KeyDirectory {
  private readonly imported = new Map<string, webcrypto.CryptoKey>();

  constructor(private readonly state: () => Readonly<GovState>) {}

  /** Imports the keys of `rings` (all rings when omitted) that are not imported yet. */
  async sync(rings?: readonly KeyRing[]): Promise<void> {
    for (const ring of rings ?? Object.values(this.state().keys)) {
      for (const entry of ring.keys) {
        if (entry.jwk.use === "enc") continue; // encryption keys never verify a signature
        if (this.imported.has(entry.kid)) continue;
        // The schema admitted this key; should the import still fail, the kid stays unknown
        // (its messages are refused) and the fold goes on.
        const key = await importPublicJwk(entry.jwk as PublicJwk).catch(() => undefined);
        if (key) this.imported.set(entry.kid, key);
      }
    }
  }

  lookup(kid: string, at: Date): KeyLookup {
    const found = keyStatusAt(this.state(), kid, at.getTime());
    if (found.status !== "active") return found;
    const key = this.imported.get(kid);
    return key ? { status: "active", member: found.member, key } : { status: "unknown" };
  }
}
