import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { MemberBundle } from "../../schemas/bundle.js";
import type { AllianceConfig } from "../../schemas/config.js";
import type { Jwks } from "../../schemas/keys.js";
import { DIRECTORY_FILE, loadSigner, type Signer } from "../bus/keys/keys.js";
import type { Logger } from "../bus/core/logger.js";
import { MemberFile, openOrInitMember, writeFoundingDirectory } from "../identity/bundles.js";
import { seedFile } from "../identity/nkeys.js";

export interface DemoKeys {
  /** `.data/members`: one folder per simulated ministry, as `alliance member init` makes it. */
  readonly membersDir: string;
  /** A member's encryption key file, in its own folder. */
  readonly encKeyFileOf: (code: string) => string;
  readonly bundles: MemberBundle[];
  readonly founding: Jwks;
  readonly secSigner: Signer;
  /** Each ministry's signer, loaded from its own folder (the host never has these). */
  readonly signers: Map<string, Signer>;
  /** A simulated ministry's own seed file, for its connection. */
  memberSeedFile(code: string): string | undefined;
  /**
   * The founding directory differs from the one an earlier run left: the members' keys changed, so
   * the governance record of that run (signed with the old keys) belongs to another alliance.
   */
  readonly foundingChanged: boolean;
}

/**
 * The key ceremony as the alliance runs it, simulated on one machine: each ministry runs
 * `alliance member init` in its own folder (`.data/members/<code>/`) and hands over its public
 * bundle; the host (`.data/keys`, `.data/creds`) builds the founding directory and, later, the
 * server config from bundles alone, and keeps only its own secretariat key.
 */
export async function runDemoKeyCeremony({ config, dataDir, log }: { config: Readonly<AllianceConfig>; dataDir: string; log: Logger }): Promise<DemoKeys> {
  const membersDir = join(dataDir, "members");
  const keysDir = join(dataDir, "keys");
  const bundles: MemberBundle[] = [];
  const signers = new Map<string, Signer>();
  for (const member of config.members) {
    const folder = await openOrInitMember({ code: member.code, out: join(membersDir, member.code), country: member.country, ministry: member.ministry, lang: member.lang, contact: { unit: "International cooperation" } });
    bundles.push(folder.bundle);
    signers.set(member.code, await loadSigner(folder.signingKeyFile));
  }
  forgetMemberSecrets(keysDir, config.secretariat.code);
  const directoryFile = join(keysDir, DIRECTORY_FILE);
  const before = existsSync(directoryFile) ? readFileSync(directoryFile, "utf8") : undefined;
  const founding = await writeFoundingDirectory(keysDir, bundles, config.secretariat.code);
  const foundingChanged = before !== undefined && before !== readFileSync(directoryFile, "utf8");
  log.info({ members: membersDir, host: keysDir }, "each ministry made its own keys in its folder; the host built the founding directory from their public bundles");
  return {
    membersDir, bundles, founding: founding.directory, signers, foundingChanged,
    secSigner: await loadSigner(founding.secretariatKeyFile),
    encKeyFileOf: (code) => join(membersDir, code, MemberFile.encryptionKey(code)),
    memberSeedFile: (code) => {
      const file = seedFile(join(membersDir, code), code);
      return existsSync(file) ? file : undefined;
    },
  };
}

/** Earlier demo runs made members' keys on the host: those files go; the host keeps only its own. */
function forgetMemberSecrets(keysDir: string, secretariatCode: string): void {
  if (!existsSync(keysDir)) return;
  for (const file of readdirSync(keysDir)) if (file.endsWith(".jwk") && file !== `${secretariatCode}.jwk`) rmSync(join(keysDir, file));
}
