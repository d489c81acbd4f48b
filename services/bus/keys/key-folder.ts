import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Makes `dir` (0700) and puts a `.gitignore` holding `*` in it, so that private keys are ignored
 * by git wherever they are made — `alliance keys init --out keys` inside a checkout included.
 * An existing `.gitignore` is left as it is.
 */
export function ensureKeyFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ignore = join(dir, ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "# private keys: never committed (written by alliance)\n*\n");
}
