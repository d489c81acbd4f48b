import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ALLIANCE_BIN } from "./cli.js";

/** The marked blocks of a markdown file: the path the marker names and the block's text. */
export function markedBlocks(markdown: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const pattern = /<!-- example: ([^\s]+) -->\n```[a-z]*\n([\s\S]*?)```/g;
  for (const m of markdown.matchAll(pattern)) out.push({ path: m[1]!, text: m[2]! });
  return out;
}

/**
 * Runs a shell example as a reader would type it, in `cwd`: `npx alliance` is this checkout's
 * command (a fresh clone's `npx` finds it the same way), everything else is the shell's.
 *
 * `npx` is an executable first on PATH that becomes the command (exec), not a shell function: a
 * function run in the background (`npx alliance gov run &`) is a subshell whose `kill $!` would
 * leave the command running, where the real npx forwards the signal to it.
 */
export function runShellExample(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const shimDir = mkdtempSync(join(tmpdir(), "alliance-npx-"));
  const path = env.PATH ?? process.env.PATH ?? "";
  const npx = join(shimDir, "npx");
  writeFileSync(npx, `#!/bin/sh\nif [ "$1" = alliance ]; then shift; exec node ${JSON.stringify(ALLIANCE_BIN)} "$@"; fi\nPATH=${JSON.stringify(path)} exec npx "$@"\n`);
  chmodSync(npx, 0o755);
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", `. ${JSON.stringify(file)}`], { cwd, env: { ...env, PATH: `${shimDir}${delimiter}${path}` } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      rmSync(shimDir, { recursive: true, force: true });
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
