import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";

/** A service run as a process of its own, so that it can be killed as a crash kills it. */
export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<void>;
  /** SIGKILL (if still running), then wait for the exit. */
  kill(): Promise<void>;
}

/** Runs a TypeScript script through tsx's loader: the child's pid is the script's own. */
export function launchChild(script: string, env: Record<string, string>, stderrFile: string): Child {
  const stderr = openSync(stderrFile, "a");
  const child = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", stderr] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    pid: child.pid!,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** A journal a child appends space-separated lines to: each line as its words. */
export function readJournal(file: string): string[][] {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => line.split(" ")) : [];
}
