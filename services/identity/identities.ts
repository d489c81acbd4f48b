import type { AllianceConfig } from "../../schemas/config.js";
import { SECRETARIAT_CODE } from "../../schemas/protocol.js";

/**
 * Who connects to the broker. Every identity is one NATS user with an Ed25519 nkey; what it may do
 * is generated from config by permissions.ts. Names are the file names of the seeds (`<name>.nk`)
 * and the tail of the inbox prefix (`_INBOX_<name>`).
 */
export const IdentityKind = {
  Member: "member",
  Secretariat: "secretariat",
  Monitor: "monitor",
  Admin: "admin",
  /** The system account's operator: server-level requests ($SYS), never JetStream data. */
  System: "system",
} as const;
export type IdentityKind = (typeof IdentityKind)[keyof typeof IdentityKind];

export const MONITOR_IDENTITY = "monitor";
export const ADMIN_IDENTITY = "admin";
export const SYSTEM_IDENTITY = "system";

export interface Identity {
  readonly name: string;
  readonly kind: IdentityKind;
}

/** The account every alliance identity lives in (JetStream enabled), and the system account. */
export const ALLIANCE_ACCOUNT = "ALLIANCE";
export const SYSTEM_ACCOUNT = "SYS";

/** Every identity the config implies, members first, in a stable order. */
export function listIdentities(config: Pick<AllianceConfig, "members">): Identity[] {
  return [
    ...config.members.map((m) => ({ name: m.code, kind: IdentityKind.Member })),
    { name: SECRETARIAT_CODE, kind: IdentityKind.Secretariat },
    { name: MONITOR_IDENTITY, kind: IdentityKind.Monitor },
    { name: ADMIN_IDENTITY, kind: IdentityKind.Admin },
    { name: SYSTEM_IDENTITY, kind: IdentityKind.System },
  ];
}

/**
 * The inbox prefix of an identity. Each identity may subscribe only under its own prefix, so no
 * one reads another's JetStream replies or pulled messages.
 */
export function inboxPrefix(name: string): string {
  return `_INBOX_${name}`;
}

/** The consumer-name prefix of an identity (docs/protocol.md, deployment rules): `fr-`, `sec-`. */
export function consumerPrefix(name: string): string {
  return `${name}-`;
}

/**
 * The names an identity trusted with reader consumers may give them, per stream: a fixed pool,
 * because a broker permission can name a whole token only — `fr-*` would match the literal
 * name `fr-*`, not every name starting with `fr-`.
 */
export function readerNames(name: string, slots: number): string[] {
  return Array.from({ length: slots }, (_, i) => `${consumerPrefix(name)}reader-${i + 1}`);
}

/** The identity a seed file belongs to, from its name: `creds/fr.nk` is `fr`. */
export function identityOfSeedFile(path: string): string | undefined {
  const match = /(?:^|[\\/])([a-z][a-z0-9_-]{0,31})\.nk$/.exec(path);
  return match?.[1];
}
