import { resolve } from "node:path";
import type { Command } from "commander";
import type { AllianceConfig } from "../../schemas/config.js";
import type { Bus } from "../bus/core/bus.js";
import type { Logger } from "../bus/core/logger.js";
import type { ResolvedSettings } from "../bus/core/settings.js";
import { DEV_KEYS_DIR, type Env } from "./env.js";

// Nothing here imports the NATS client or the logger up front: `alliance --help` loads only
// commander and the command definitions; each command loads what it needs when it runs.


interface GlobalOptions { server?: string; config?: string; context?: string; verbose?: number }

/** What every command gets: the environment, the global options, the config and a logger. */
export interface CliContext {
  readonly env: Env;
  /** A logger on stderr: warnings only unless `-v` (info) or `-vv` (debug), or LOG_LEVEL says otherwise. */
  readonly log: Logger;
  /** Flags, then `--context`, then the variables, then the selected context (services/bus/core/settings.ts). */
  settings(): ResolvedSettings;
  config(): Readonly<AllianceConfig>;
  server(): string;
  /** The private signing key: `--key`, else the context's, else $ALLIANCE_KEY. */
  signingKey(flag?: string): string | undefined;
  /** The founding directory: `--directory`, else the context's, else $ALLIANCE_DIRECTORY, else .data/keys/directory.json. */
  directory(flag?: string): string;
  /** The identity NATS_CREDS names (`<name>.nk`), if any: its inbox prefix and reader names follow from it. */
  identity(): string | undefined;
  /**
   * The names a reader consumer of this identity may take on `stream`; undefined when no
   * credentials are set (the server names it). A restricted identity without any is refused here.
   */
  readerNames(stream: string): Promise<readonly string[] | undefined>;
  /** Connects, runs `work`, then drains the connection whatever happened. */
  withBus<T>(name: string, work: (bus: Bus) => Promise<T>): Promise<T>;
}

/** The log level: LOG_LEVEL when set, else warn; each `-v` one step louder. */
export function logLevel(env: Env, verbose: number): string {
  if (env.LOG_LEVEL) return env.LOG_LEVEL;
  return verbose >= 2 ? "debug" : verbose === 1 ? "info" : "warn";
}

export interface PreparedCliContext extends CliContext {
  /** Loads what settings, config and the logger need: main runs it before any action (not for --help). */
  prepare(): Promise<void>;
}

export function createCliContext(env: Env, program: Command): PreparedCliContext {
  const opts = () => program.opts<GlobalOptions>();
  let log: Logger | undefined;
  let config: Readonly<AllianceConfig> | undefined;
  let settings: ResolvedSettings | undefined;
  let resolveSettingsFn: typeof import("../bus/core/settings.js").resolveSettings | undefined;
  let loadConfigFn: typeof import("../bus/core/config.js").loadConfig | undefined;
  let createLoggerFn: typeof import("../bus/core/logger.js").createLogger | undefined;
  const ctx: CliContext = {
    env,
    get log() {
      // Logs go to stderr: stdout carries the commands' data (tables, JSON lines).
      return (log ??= createLoggerFn!({ name: "alliance", level: logLevel(env, opts().verbose ?? 0), destination: 2, ...(env.LOG_PRETTY !== undefined ? { pretty: env.LOG_PRETTY } : {}) }));
    },
    settings() {
      if (!resolveSettingsFn) throw new Error("settings used before the command loaded them");
      const o = opts();
      return (settings ??= resolveSettingsFn({ ...(o.server ? { server: o.server } : {}), ...(o.config ? { config: o.config } : {}) }, o.context, env));
    },
    config: () => (config ??= loadConfigFn!(ctx.settings().config)),
    server: () => ctx.settings().server,
    signingKey: (flag) => flag ?? ctx.settings().signingKey,
    directory: (flag) => resolve(flag ?? ctx.settings().directory ?? `${DEV_KEYS_DIR}/directory.json`),
    identity() {
      const creds = ctx.settings().creds;
      return creds ? /(?:^|[\\/])([a-z][a-z0-9_-]{0,31})\.nk$/.exec(creds)?.[1] : undefined;
    },
    async readerNames(stream) {
      const identity = ctx.identity();
      const { ADMIN_IDENTITY } = await import("../identity/identities.js");
      if (!ctx.settings().creds || !identity || identity === ADMIN_IDENTITY) return undefined;
      const { readerNamesFor } = await import("../identity/permissions.js");
      const { AllianceError, ErrorCode } = await import("../bus/core/errors.js");
      const names = readerNamesFor(identity, stream, ctx.config());
      if (names.length === 0) {
        throw new AllianceError(ErrorCode.PermissionDenied, `identity ${identity} may not create reader consumers on ${stream} (config access.readers, access.quarantineReaders); read through a consumer declared for it with --durable (docs/security.md)`);
      }
      return names;
    },
    async withBus(name, work) {
      const [{ openBus }, { clientConnectOptions }, { explainFailure }, { permissionDenied }] = await Promise.all([
        import("../bus/core/bus.js"), import("../bus/core/connect-options.js"), import("../bus/core/failures.js"), import("../identity/violations.js"),
      ]);
      const s = ctx.settings();
      const connectOptions = clientConnectOptions({
        ...(s.creds ? { credsFile: s.creds } : {}),
        ...(s.ca ? { caFile: s.ca } : {}),
        ...(s.cert ? { certFile: s.cert } : {}),
        ...(s.key ? { keyFile: s.key } : {}),
      });
      const bus = await openBus({ servers: ctx.server(), name, config: ctx.config(), log: ctx.log, connectOptions });
      try {
        return await work(bus);
      } catch (err) {
        // A missing stream says to run `alliance streams`; a refusal by the broker is the identity's permissions at work.
        throw permissionDenied(err, ctx.identity()) ?? explainFailure(err);
      } finally {
        await bus.close();
      }
    },
  };
  return Object.assign(ctx, {
    async prepare() {
      ({ resolveSettings: resolveSettingsFn } = await import("../bus/core/settings.js"));
      ({ loadConfig: loadConfigFn } = await import("../bus/core/config.js"));
      ({ createLogger: createLoggerFn } = await import("../bus/core/logger.js"));
    },
  });
}
