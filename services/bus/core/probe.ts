import { connect as tcpConnect } from "node:net";
import { AllianceError, ErrorCode } from "./errors.js";

/** A NATS server greets every client with `INFO {...}` before anything else. */
const GREETING = "INFO ";

/**
 * Checks that `url` answers as a NATS server before the client connects: a port that accepts
 * the connection and says nothing (an HTTP port, a stalled proxy) would otherwise leave the
 * client waiting and its socket open after the connect timeout. Resolves when the server greets;
 * fails with ERR_CONNECT_FAILED (refused, unknown host, not NATS) or ERR_CONNECT_TIMEOUT.
 */
export function probeNatsServer(url: string, timeoutMs: number): Promise<void> {
  const { hostname, port } = parseServer(url);
  return new Promise((resolve, reject) => {
    let received = "";
    const socket = tcpConnect({ host: hostname, port });
    const done = (err?: AllianceError) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new AllianceError(ErrorCode.ConnectTimeout, `${url} did not answer as a NATS server within ${timeoutMs} ms (is it the client port, 4222 by default, and not the monitoring or another service's port?)`)), timeoutMs);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (received.startsWith(GREETING)) return done();
      if (received.length >= GREETING.length || !GREETING.startsWith(received)) {
        done(new AllianceError(ErrorCode.ConnectFailed, `${url} is not a NATS server: it answered ${JSON.stringify(received.slice(0, 40))}`));
      }
    });
    socket.on("error", (cause: NodeJS.ErrnoException) => done(new AllianceError(ErrorCode.ConnectFailed, `cannot reach ${url}: ${cause.code ?? cause.message} (is the server running, and the address right?)`, { cause })));
    socket.on("end", () => done(new AllianceError(ErrorCode.ConnectFailed, `${url} closed the connection without a NATS greeting`)));
  });
}

function parseServer(url: string): { hostname: string; port: number } {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `nats://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (cause) {
    throw new AllianceError(ErrorCode.UsageInvalid, `not a server URL: ${url}`, { cause });
  }
  return { hostname: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || 4222) };
}

/** Resolves when any of `servers` greets; fails with the first server's reason when none does. */
export async function probeAny(servers: readonly string[], timeoutMs: number): Promise<void> {
  const results = await Promise.allSettled(servers.map((s) => probeNatsServer(s, timeoutMs)));
  if (results.some((r) => r.status === "fulfilled")) return;
  throw (results[0] as PromiseRejectedResult).reason;
}
