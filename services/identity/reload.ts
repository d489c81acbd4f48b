import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { ensureNatsServer } from "../natsd/binary.js";

export interface ReloadTarget {
  /** The nats-server process to reload. */
  readonly pid: number;
  /** Its monitoring port: when given, the reload is confirmed by the server's config load time. */
  readonly httpPort?: number;
  readonly host?: string;
}

/**
 * Makes a running nats-server re-read its configuration (users, permissions, TLS files) without a
 * restart: `nats-server --signal reload=<pid>`, which sends it SIGHUP. Connections stay up; a
 * user whose permissions changed gets the new ones. With `httpPort`, resolves only once the
 * server reports a newer config load time, so callers can connect as a new user right away.
 */
export async function reloadServer(target: ReloadTarget, timeoutMs = 10_000): Promise<void> {
  const before = target.httpPort ? await configLoadTime(target) : undefined;
  try {
    execFileSync(ensureNatsServer(), ["--signal", `reload=${target.pid}`], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (cause) {
    const stderr = (cause as { stderr?: Buffer }).stderr?.toString().trim();
    throw new AllianceError(ErrorCode.ReloadFailed, `nats-server --signal reload=${target.pid} failed${stderr ? `: ${stderr}` : ""}`, { cause });
  }
  if (!target.httpPort) return;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const now = await configLoadTime(target).catch(() => undefined);
    if (now && now !== before) return;
    await sleep(50);
  }
  throw new AllianceError(ErrorCode.ReloadFailed, `nats-server ${target.pid} did not report a new configuration within ${timeoutMs} ms; see its log (a bad config is refused and the old one kept)`);
}

async function configLoadTime({ host = "127.0.0.1", httpPort }: ReloadTarget): Promise<string> {
  const res = await fetch(`http://${host}:${httpPort}/varz`);
  const varz = (await res.json()) as { config_load_time?: string };
  return varz.config_load_time ?? "";
}
