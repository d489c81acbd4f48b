import type { Bus } from "../bus/core/bus.js";
import type { AllianceConfig } from "../../schemas/config.js";
import { StaticEncryptionDirectory, type EncryptionDirectory } from "../bus/keys/encryption.js";
import { loadJwks } from "../bus/keys/keys.js";
import type { Logger } from "../bus/core/logger.js";
import type { GroupDirectory } from "../bus/publish/seal.js";
import { createLiveDirectory, type LiveDirectory } from "../secretariat/live-directory.js";

/**
 * Where the CLI finds recipients' encryption keys and working groups (v1.1 §1b.2): the live
 * directory folded from the signed governance events over the founding JWKS, or that JWKS alone
 * where the secretariat stream cannot be read (no groups then).
 */
export async function sealingDirectories(bus: Bus, config: Readonly<AllianceConfig>, directoryFile: string, log: Logger): Promise<{ directory: EncryptionDirectory; groups?: GroupDirectory; live?: LiveDirectory }> {
  const founding = loadJwks(directoryFile);
  try {
    const live = await createLiveDirectory({ js: bus.js, jsm: bus.jsm, config, founding, log });
    await live.ready();
    return { directory: live, groups: live, live };
  } catch (err) {
    process.stderr.write(`sealing with the founding directory only (no live directory: ${(err as Error).message})\n`);
    return { directory: StaticEncryptionDirectory.fromJwks(founding) };
  }
}
