import { execFileSync, spawnSync } from "node:child_process";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";

const INSTALL_HINT =
  "install it (Debian/Ubuntu: `sudo apt-get install nats-server`; elsewhere: https://github.com/nats-io/nats-server/releases) " +
  "or point NATS_URL at a running nats-server with JetStream enabled";

export function findNatsServer(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v nats-server || ls /usr/sbin/nats-server 2>/dev/null"], { encoding: "utf8" });
  const path = found.stdout.trim().split("\n")[0];
  return path ? path : undefined;
}

/**
 * The nats-server executable: found on the PATH, or installed from Debian's packages when this
 * process is root on a Debian/Ubuntu machine; otherwise a clear error saying what to do.
 */
export function ensureNatsServer(say: (line: string) => void = () => {}): string {
  const existing = findNatsServer();
  if (existing) return existing;
  const canApt = process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (!canApt) throw new AllianceError(ErrorCode.NatsServerMissing, `nats-server is not on the PATH: ${INSTALL_HINT}`);
  say("nats-server not found: installing Debian's nats-server with apt-get");
  try {
    execFileSync("apt-get", ["install", "-y", "-q", "nats-server"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } catch {
    execFileSync("apt-get", ["update", "-q"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-q", "nats-server"], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
  const installed = findNatsServer();
  if (!installed) throw new AllianceError(ErrorCode.NatsServerMissing, `apt-get ran but nats-server is still missing: ${INSTALL_HINT}`);
  return installed;
}
