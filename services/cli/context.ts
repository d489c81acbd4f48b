import type { Command } from "commander";
import type { AllianceConfig } from "../../schemas/config.js";
import { openBus, type Bus } from "../bus/bus.js";
import { loadConfig } from "../bus/config.js";
import { createLogger, type Logger } from "../bus/logger.js";
import type { Env } from "./env.js";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

/** What every command gets: the environment, the global options, the config and a logger. */
export interface CliContext {
  readonly env: Env;
  readonly log: Logger;
  config(): Readonly<AllianceConfig>;
  server(): string;
  /** Connects, runs `work`, then drains the connection whatever happened. */
  withBus<T>(name: string, work: (bus: Bus) => Promise<T>): Promise<T>;
}

export function createCliContext(env: Env, program: Command): CliContext {
  // Logs go to stderr: stdout carries the commands' data (tables, JSON lines).
  const log = createLogger({ name: "alliance", level: env.LOG_LEVEL, destination: 2, ...(env.LOG_PRETTY !== undefined ? { pretty: env.LOG_PRETTY } : {}) });
  let config: Readonly<AllianceConfig> | undefined;
  const ctx: CliContext = {
    env,
    log,
    config: () => (config ??= loadConfig(program.opts<{ config?: string }>().config ?? env.ALLIANCE_CONFIG)),
    server: () => program.opts<{ server?: string }>().server ?? env.NATS_URL ?? DEFAULT_NATS_URL,
    async withBus(name, work) {
      const bus = await openBus({ servers: ctx.server(), name, config: ctx.config(), log });
      try {
        return await work(bus);
      } finally {
        await bus.close();
      }
    },
  };
  return ctx;
}
