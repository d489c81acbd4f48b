import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { bundleFileName, type MemberBundle } from "../../schemas/bundle.js";
import type { AllianceConfig, MemberConfig } from "../../schemas/config.js";
import { Quotas } from "../../schemas/quotas.js";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import type { Logger } from "../bus/core/logger.js";
import { installBundleKeys, writeServerAuth, type AuthConfig } from "./auth-files.js";
import { memberConfigOf, readBundle } from "./bundles.js";
import { reloadServer, type ReloadTarget } from "./reload.js";

export interface AdmitMemberOptions {
  /** The alliance config; the member is added to it here if it is not listed yet. */
  readonly config: AuthConfig;
  readonly member: MemberConfig;
  /**
   * The applicant's public bundle (what it sent with its application): its own public nkey is
   * installed and the host makes no seed. Without it, a seed is made on the host (development only).
   */
  readonly bundle?: MemberBundle;
  /** Where the seeds and accounts.conf live (what `alliance creds init --out` wrote). */
  readonly credsDir: string;
  /** The running nats-server that includes accounts.conf; reloaded, never restarted. */
  readonly server?: ReloadTarget;
  readonly log?: Logger;
}

export interface AdmittedMember {
  readonly code: string;
  /** A seed made on the host (no bundle): hand it over out of band. Undefined with a bundle: the member holds its own. */
  readonly seedFile?: string;
  readonly publicKey: string;
  readonly accountsFile: string;
  readonly reloaded: boolean;
}

/** What the secretariat knows of an admitted member (its MemberView); only the code matters here. */
export interface AdmittedMemberView {
  readonly code: string;
  readonly country?: { readonly en: string; readonly native: string };
  readonly ministry?: string;
  readonly lang?: MemberConfig["lang"];
}

export interface AdmissionHookOptions extends Omit<AdmitMemberOptions, "member" | "bundle"> {
  /** The applicants' bundles (`<code>.bundle.json`), received with their applications. */
  readonly bundlesDir?: string;
  /**
   * The codes of every member the governance record has admitted so far (the secretariat's members
   * view). With `bundlesDir`, each admission writes the accounts for the config's members and all
   * of these, not only the one just admitted: otherwise a second admission in the same run (the
   * config does not list the first) would drop the first member's broker identity at the reload.
   */
  readonly admitted?: () => Promise<Iterable<string>>;
}

/**
 * The secretariat's `onMemberAdmitted` hook (services/secretariat/service.ts): each admission
 * decided on the governance channel gives the new member its broker credentials at once.
 *
 * @example
 * createSecretariat({ …, onMemberAdmitted: memberAdmissionHook({ config, credsDir, bundlesDir, server: { pid, httpPort }, admitted }) })
 */
export function memberAdmissionHook(options: AdmissionHookOptions): (member: AdmittedMemberView) => Promise<void> {
  return async (view) => {
    if (options.bundlesDir) {
      // The applicant's bundle, received with its application: the host never makes its seed.
      const bundle = bundleOf(options.bundlesDir, view.code, options.log);
      if (!bundle) return;
      const earlier = await admittedBundles({ ...options, bundlesDir: options.bundlesDir }, view.code);
      installBundleKeys(options.credsDir, earlier);
      await admitMemberCredentials({ ...options, config: { ...options.config, members: [...options.config.members, ...earlier.map(memberConfigOf)] }, member: memberConfigOf(bundle), bundle });
      return;
    }
    const member: MemberConfig = {
      code: view.code,
      country: view.country ?? { en: view.code, native: view.code },
      ministry: view.ministry ?? "Ministry of Interior",
      lang: view.lang ?? "en",
    };
    await admitMemberCredentials({ ...options, member });
  };
}

/**
 * At the hook's start: the record's admitted members that the config does not list get their
 * broker identities (the hook is called at most once per admission, so one decided while the
 * secretariat was stopping may have none yet). Writes and reloads only when there are any.
 */
export async function reconcileAdmittedMembers(options: AdmissionHookOptions & { readonly bundlesDir: string }): Promise<readonly string[]> {
  // Within quotas.maxMembers, as each admission is: a member the hook refused for the quota (the
  // votes may admit beyond it) must not get its identity here at the next start. Those already
  // holding one on this host keep it; the others come in while there is room.
  const maxMembers = (options.config.quotas ?? Quotas.parse({})).maxMembers;
  const holders = new Set([...options.config.members.map((m) => m.code), ...memberIdentitiesIn(options.credsDir)]);
  const bundles = (await admittedBundles(options)).filter((bundle) => {
    if (holders.has(bundle.code)) return true;
    if (holders.size >= maxMembers) {
      options.log?.error({ member: bundle.code, members: holders.size + 1, maxMembers }, "admitted member left without broker credentials: quotas.maxMembers reached");
      return false;
    }
    holders.add(bundle.code);
    return true;
  });
  if (bundles.length === 0) return [];
  const auth = writeServerAuth({ ...options.config, members: [...options.config.members, ...bundles.map(memberConfigOf)] }, options.credsDir, { bundles });
  if (options.server) await reloadServer(options.server);
  options.log?.info({ members: bundles.map((b) => b.code), accountsFile: auth.accountsFile, reloaded: Boolean(options.server) }, "admitted members' credentials reconciled");
  return bundles.map((b) => b.code);
}

/** The bundles of the record's admitted members the config does not list (but `except`), each read from `bundlesDir`. */
async function admittedBundles(options: AdmissionHookOptions & { readonly bundlesDir: string }, except?: string): Promise<MemberBundle[]> {
  if (!options.admitted) return [];
  const listed = new Set(options.config.members.map((m) => m.code));
  const codes = [...new Set(await options.admitted())].filter((c) => !listed.has(c) && c !== except).sort();
  return codes.flatMap((code) => bundleOf(options.bundlesDir, code, options.log) ?? []);
}

function bundleOf(dir: string, code: string, log: Logger | undefined): MemberBundle | undefined {
  const file = join(dir, bundleFileName(code));
  if (!existsSync(file)) {
    log?.error({ member: code, file }, "admitted member has no bundle on the host: no broker credentials until it is added");
    return undefined;
  }
  return readBundle(file);
}

/**
 * The broker side of admitting a member (the secretariat calls it when an admission is decided):
 * a seed for the new member, the accounts config regenerated with its permissions, and the
 * server reloaded so that the member can connect at once. Existing identities keep their seeds;
 * calling it again for the same member changes nothing but the reload.
 */
export async function admitMemberCredentials({ config, member, bundle, credsDir, server, log }: AdmitMemberOptions): Promise<AdmittedMember> {
  if (bundle && bundle.code !== member.code) throw new AllianceError(ErrorCode.BundleInvalid, `the bundle is ${bundle.code}'s, not ${member.code}'s`);
  const listed = config.members.some((m) => m.code === member.code);
  const next = listed ? config : { ...config, members: [...config.members, member] };
  // The streams reserve room for quotas.maxMembers members' full shares (docs/security.md,
  // "Quotas"): one more would make the fair share a hope again. Refused here, before any
  // credential exists, so the member cannot connect until the operator raises maxMembers with
  // the stream sizes (config validation checks both) and admits it again.
  // Counted: every member with a broker identity on this host, not only the config's: what a
  // member stored stays on the streams after its identity is left out of the accounts (a
  // withdrawal, or an admission by `creds admit` whose config does not list an earlier one), for a
  // year on a priority channel and for ever on the governance stream, so its slot is not free.
  const maxMembers = (config.quotas ?? Quotas.parse({})).maxMembers;
  const holders = new Set([...next.members.map((m) => m.code), ...memberIdentitiesIn(credsDir)]);
  if (holders.size > maxMembers) {
    const members = holders.size;
    log?.error({ member: member.code, members, maxMembers }, "admission refused: quotas.maxMembers reached");
    throw new AllianceError(ErrorCode.MemberQuotaExceeded, `admitting ${member.code} makes ${members} members with a broker identity on this host (${[...holders].sort().join(", ")}); the streams are sized for quotas.maxMembers = ${maxMembers}: raise it (and the stream sizes config validation then asks for), reload, and admit again`);
  }
  const auth = writeServerAuth(next, credsDir, bundle ? { bundles: [bundle] } : {});
  const key = auth.keys.find((k) => k.identity.name === member.code)!;
  if (server) await reloadServer(server);
  log?.info({ member: member.code, publicKey: key.publicKey, created: key.created, reloaded: Boolean(server) }, "member credentials admitted");
  return { code: member.code, ...(key.seedFile ? { seedFile: key.seedFile } : {}), publicKey: key.publicKey, accountsFile: auth.accountsFile, reloaded: Boolean(server) };
}

/**
 * The members whose broker identity this host holds (`<code>.pub`, or a development seed
 * `<code>.nk`), whether or not the accounts name them now: the codes of every member admitted
 * here. A slot comes free only when its key file is removed, after the member's messages are.
 */
function memberIdentitiesIn(credsDir: string): string[] {
  if (!existsSync(credsDir)) return [];
  return readdirSync(credsDir).flatMap((file) => /^([a-z]{2})\.(?:pub|nk)$/.exec(file)?.[1] ?? []);
}
