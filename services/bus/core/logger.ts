import { pino, type Logger, type LoggerOptions } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/** Paths that could hold key material or credentials: pino replaces them before writing. */
export const REDACT_PATHS = ["d", "*.d", "key", "*.key", "privateKey", "*.privateKey", "seed", "*.seed", "creds", "*.creds", "password", "*.password", "token", "*.token"];

export interface LoggerSettings {
  readonly name: string;
  readonly level?: string;
  /** Human-readable lines (pino-pretty) instead of JSON; the default when stdout is a terminal. */
  readonly pretty?: boolean;
  /** Where lines go; stdout by default (stderr for CLI commands whose stdout is data). */
  readonly destination?: 1 | 2;
}

/** The one root logger of a process; services take `log.child({ svc })` from it. */
export function createLogger({ name, level = "info", pretty: human, destination = 1 }: LoggerSettings): Logger {
  const options: LoggerOptions = { name, level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  const usePretty = human ?? Boolean(destination === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  if (usePretty) {
    return pino(options, pretty({ sync: true, destination, colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" }));
  }
  return pino(options, pino.destination({ fd: destination, sync: true }));
}
