import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AllianceError, ErrorCode } from "../bus/core/errors.js";
import { Quotas, serverMaxFileStoreBytes } from "../../schemas/quotas.js";
import { ensureNatsServer } from "./binary.js";

export interface NatsServerOptions {
  /** Holds the config, the JetStream store and the log. */
  readonly dir: string;
  readonly name?: string;
  readonly port?: number;
  readonly httpPort?: number;
  /** Extra top-level config text (accounts, tls, cluster) appended as it is. */
  readonly extraConfig?: string;
  /**
   * The quotas the server's JetStream store is sized for (its max_file_store holds the alliance
   * account's limit, against which every stream's max_bytes is reserved); default the defaults.
   */
  readonly quotas?: Pick<Quotas, "accountMaxFileBytes">;
  /**
   * A config file of our own to start from instead (config/nats/dev.conf), as a reader would:
   * its ports and JetStream store are moved onto this server's free ports and `dir` by nats-server's
   * flags (`-p`, `-m`, `-sd`); `extraConfig` and `quotas` do not apply. It must not set `store_dir`.
   */
  readonly fromConfig?: string;
}

export interface RunningNatsServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly httpPort: number;
  readonly configFile: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** A free loopback port, found by letting the kernel pick one. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The config every local server gets: loopback only, JetStream on, room for oversize evidence, a
 * file store that holds the account's limit (a reservation, not disk: nats-server 2.9 counts the
 * streams' max_bytes against it and writes only what is stored).
 */
export function baseConfig(opts: { name: string; port: number; httpPort: number; storeDir: string; maxFileStoreBytes?: number }): string {
  return [
    `server_name: ${JSON.stringify(opts.name)}`,
    `host: "127.0.0.1"`,
    `port: ${opts.port}`,
    `http: "127.0.0.1:${opts.httpPort}"`,
    `max_payload: 2MB`,
    `jetstream { store_dir: ${JSON.stringify(opts.storeDir)}, max_memory_store: 256MB, max_file_store: ${opts.maxFileStoreBytes ?? serverMaxFileStoreBytes(Quotas.parse({}))} }`,
  ].join("\n");
}

/**
 * Where a server started in `dir` keeps its config file: `extraConfig` that includes other files
 * names them relative to this file's directory.
 */
export function configFileOf(dir: string): string {
  return join(dir, "nats-server.conf");
}

/** Starts a nats-server with JetStream on free loopback ports and waits until it is healthy. */
export async function startNatsServer(options: NatsServerOptions): Promise<RunningNatsServer> {
  const binary = ensureNatsServer();
  mkdirSync(options.dir, { recursive: true });
  const logFile = join(options.dir, "nats-server.log");
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const httpPort = options.httpPort ?? (await freePort());
    const logFrom = existsSync(logFile) ? statSync(logFile).size : 0;
    try {
      return await startOn(binary, options, port, httpPort, logFile);
    } catch (err) {
      // A port `freePort` found free can be taken by another process (a parallel test file) before
      // the server binds it: ports of our choosing are chosen again, a few times.
      const ours = options.port === undefined || options.httpPort === undefined;
      if (!ours || attempt >= PORT_ATTEMPTS || !readFileSync(logFile, "latin1").slice(logFrom).includes("address already in use")) throw err;
    }
  }
}

/** How many times free ports are chosen again when one was taken before the server bound it. */
const PORT_ATTEMPTS = 5;

async function startOn(binary: string, options: NatsServerOptions, port: number, httpPort: number, logFile: string): Promise<RunningNatsServer> {
  const name = options.name ?? `alliance-${port}`;
  const storeDir = join(options.dir, "jetstream");
  const configFile = options.fromConfig ?? configFileOf(options.dir);
  if (!options.fromConfig) writeFileSync(configFile, `${baseConfig({ name, port, httpPort, storeDir, maxFileStoreBytes: serverMaxFileStoreBytes(options.quotas ?? Quotas.parse({})) })}\n${options.extraConfig ?? ""}\n`);
  const args = options.fromConfig ? ["-c", configFile, "-p", String(port), "-m", String(httpPort), "-sd", storeDir, "-n", name] : ["-c", configFile];
  const logFd = openSync(logFile, "a");
  // Its own process group: Ctrl-C in a terminal signals the foreground group, and the server must
  // not stop before the services on it have drained; whoever started it stops it, last.
  const child = spawn(binary, args, { stdio: ["ignore", logFd, logFd], detached: true });
  closeSync(logFd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // Detached, it would outlive a parent that dies without stopping it: not on a normal exit.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));

  await waitHealthy(httpPort, exited, logFile);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { url: `nats://127.0.0.1:${port}`, port, httpPort, configFile, process: child, stop, [Symbol.asyncDispose]: stop };
}

async function waitHealthy(httpPort: number, exited: Promise<number | null>, logFile: string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (gone) throw new AllianceError(ErrorCode.NatsServerFailed, `nats-server exited during start-up; see ${logFile}`);
    const healthy = await fetch(`http://127.0.0.1:${httpPort}/healthz?js-enabled-only=true`).then((r) => r.ok, () => false);
    if (healthy) return;
    await sleep(50);
  }
  throw new AllianceError(ErrorCode.NatsServerFailed, `nats-server did not become healthy within 20 s; see ${logFile}`);
}
