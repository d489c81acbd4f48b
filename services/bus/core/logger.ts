import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import pretty from "pino-pretty";
import { censorKeyMaterial } from "./redact.js";

export type { Logger };
export { censorKeyMaterial, CENSOR, SECRET_MEMBERS } from "./redact.js";

/**
 * Paths that could hold key material or credentials, replaced by pino's fast path before writing.
 * pino's paths are fixed (no "any depth"), so `formatters.log` also walks every log object
 * (censorKeyMaterial): the same members at any depth, in arrays and errors, and nkey seeds and
 * JWK `d` values inside strings.
 */
export const REDACT_PATHS = ["d", "*.d", "key", "*.key", "privateKey", "*.privateKey", "seed", "*.seed", "creds", "*.creds", "password", "*.password", "token", "*.token"];

export interface LoggerSettings {
  readonly name: string;
  readonly level?: string;
  /** Human-readable lines (pino-pretty) instead of JSON; the default when stdout is a terminal. */
  readonly pretty?: boolean;
  /** Where lines go; stdout by default (stderr for CLI commands whose stdout is data). */
  readonly destination?: 1 | 2;
  /** Another destination (tests read what was written); overrides `destination` and `pretty`. */
  readonly stream?: DestinationStream;
}

/** The options of every logger of the project: the level, and redaction at any depth. */
export function loggerOptions(name: string, level = "info"): LoggerOptions {
  return {
    name,
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    formatters: {
      log: (object) => censorKeyMaterial(object) as Record<string, unknown>,
      bindings: (bindings) => censorKeyMaterial(bindings) as Record<string, unknown>,
    },
  };
}

/** The one root logger of a process; services take `log.child({ svc })` from it. */
export function createLogger({ name, level = "info", pretty: human, destination = 1, stream }: LoggerSettings): Logger {
  const options = loggerOptions(name, level);
  if (stream) return pino(options, stream);
  const usePretty = human ?? Boolean(destination === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  if (usePretty) {
    return pino(options, pretty({ sync: true, destination, colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" }));
  }
  return pino(options, pino.destination({ fd: destination, sync: true }));
}
