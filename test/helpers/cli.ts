import { spawn } from "node:child_process";
import { join } from "node:path";

/** The `alliance` command as `npm ci` installs it. */
export const ALLIANCE_BIN = join(import.meta.dirname, "../../bin/alliance.js");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `alliance <args>` as its own process, with `input` on standard input, and collects its output. */
export function runAlliance(args: readonly string[], options: { env: NodeJS.ProcessEnv; input?: string; cwd?: string }): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn("node", [ALLIANCE_BIN, ...args], { env: options.env, ...(options.cwd ? { cwd: options.cwd } : {}) });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/**
 * `stderr` without the progress lines a command writes when it takes more than two seconds
 * (services/cli/progress.ts): on a busy machine any command may, so a test that expects a quiet
 * stderr must not depend on the machine's speed.
 */
export function withoutProgress(stderr: string): string {
  return stderr.replace(/^alliance [^\n]*: still working \(\d+ s\)…\n/gm, "");
}
