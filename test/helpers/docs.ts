import { spawn } from "node:child_process";
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
 */
export function runShellExample(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const shim = `npx() { if [ "$1" = alliance ]; then shift; node ${JSON.stringify(ALLIANCE_BIN)} "$@"; else command npx "$@"; fi; }`;
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-c", `${shim}\n. ${JSON.stringify(file)}`], { cwd, env });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
