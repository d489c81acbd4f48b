export { admitMemberCredentials, memberAdmissionHook, reconcileAdmittedMembers } from "./admit.js";
export type { AdmitMemberOptions, AdmittedMember, AdmittedMemberView, AdmissionHookOptions } from "./admit.js";
export { writeServerAuth, installBundleKeys, ACCOUNTS_FILE } from "./auth-files.js";
export type { ServerAuth, ServerAuthOptions, AuthConfig } from "./auth-files.js";
export {
  initMember, openOrInitMember, readBundle, readBundles, memberConfigOf, directoryFromBundles, applicationFromBundle, writeFoundingDirectory, MemberFile,
} from "./bundles.js";
export type { MemberInitOptions, MemberFolder, FoundingDirectory } from "./bundles.js";
export { ensureCertificates, CertFile, SERVER_SANS } from "./certs.js";
export type { CertificateSet, CertOptions } from "./certs.js";
export { clientConnectOptions } from "./connect-options.js";
export type { ClientSecurity } from "./connect-options.js";
export {
  IdentityKind, listIdentities, inboxPrefix, consumerPrefix, readerNames, identityOfSeedFile,
  ALLIANCE_ACCOUNT, SYSTEM_ACCOUNT, ADMIN_IDENTITY, MONITOR_IDENTITY, SYSTEM_IDENTITY,
} from "./identities.js";
export type { Identity } from "./identities.js";
export { JsApi, Kv, ADMIN_ONLY_API } from "./jsapi.js";
export { prepareLocalSecurity } from "./local-security.js";
export type { LocalSecurity, LocalSecurityOptions } from "./local-security.js";
export { ensureIdentityKeys, readSeed, seedFile, publicKeyOfSeed, publicKeyFile, createSeedFile, writePublicKeyFile } from "./nkeys.js";
export type { IdentityKey } from "./nkeys.js";
export { generatePermissions, permissionsOf, readableStreams, readerNamesFor, mayReadQuarantine } from "./permissions.js";
export type { IdentityPermissions, SubjectRules, UserPermissions } from "./permissions.js";
export { provisionAccess } from "./provision.js";
export type { ProvisionedConsumer } from "./provision.js";
export { reloadServer } from "./reload.js";
export { resyncJetStreamUsage } from "./resync.js";
export type { ReloadTarget } from "./reload.js";
export { renderAccounts, renderClientTls, renderRouteTls, renderInclude } from "./server-config.js";
export type { TlsFiles, UserEntry, AccountLimits } from "./server-config.js";
export { permissionViolation, permissionDenied } from "./violations.js";
export type { PermissionViolation } from "./violations.js";
