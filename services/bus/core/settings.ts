import { allianceHome, loadProfile, selectedProfile, type Profile } from "./profiles.js";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

/** The variables the CLI and the SDK both read (README, Configuration). */
export interface ConnectionEnv {
  readonly NATS_URL?: string | undefined;
  readonly NATS_CREDS?: string | undefined;
  readonly NATS_CA?: string | undefined;
  readonly NATS_CERT?: string | undefined;
  readonly NATS_KEY?: string | undefined;
  readonly ALLIANCE_KEY?: string | undefined;
  readonly ALLIANCE_DIRECTORY?: string | undefined;
  readonly ALLIANCE_CONFIG?: string | undefined;
  readonly ALLIANCE_HOME?: string | undefined;
  /** Names a profile, as `--context` does. */
  readonly ALLIANCE_CONTEXT?: string | undefined;
}

export interface ResolvedSettings extends Profile {
  readonly server: string;
  /** The profile these settings came from, if any. */
  readonly context?: string;
}

/**
 * One order for the CLI and the SDK, most specific first: explicit values (flags, options), then
 * a profile named explicitly (`--context`, `connect({ context })`, `ALLIANCE_CONTEXT`), then the
 * `NATS_*`/`ALLIANCE_*` variables, then the profile selected with `alliance context use`, then defaults.
 */
export function resolveSettings(explicit: Profile, contextName: string | undefined, env: ConnectionEnv): ResolvedSettings {
  const home = allianceHome(env);
  const named = contextName ?? env.ALLIANCE_CONTEXT;
  const fromEnv: Profile = strip({
    server: env.NATS_URL, creds: env.NATS_CREDS, ca: env.NATS_CA, cert: env.NATS_CERT, key: env.NATS_KEY,
    signingKey: env.ALLIANCE_KEY, directory: env.ALLIANCE_DIRECTORY, config: env.ALLIANCE_CONFIG,
  });
  const selected = named ? undefined : selectedProfile(home);
  const layers: Profile[] = [
    selected ? loadProfile(home, selected) : {},
    fromEnv,
    named ? loadProfile(home, named) : {},
    strip(explicit),
  ];
  const merged = Object.assign({}, ...layers) as Profile;
  const context = named ?? selected;
  return { ...merged, server: merged.server ?? DEFAULT_NATS_URL, ...(context ? { context } : {}) };
}

function strip(p: Record<string, string | undefined>): Profile {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined && v !== "")) as Profile;
}
