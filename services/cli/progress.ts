import type { Command } from "commander";

/** After this long without finishing, a command says on stderr that it is still at work. */
export const PROGRESS_AFTER_MS = 2_000;
const PROGRESS_EVERY_MS = 5_000;

/** Commands that run until stopped: their output is their progress. */
const LONG_RUNNING = new Set(["tail", "monitor", "demo", "run"]);

/**
 * A line on stderr — `alliance publish: still working (4 s)…` — for any command that takes more
 * than two seconds, then every five: a slow broker or a retry loop is never silent. The timer
 * does not keep the process alive.
 */
export function startProgress(action: Command): void {
  const watch = (action.opts() as { watch?: boolean }).watch;
  if (LONG_RUNNING.has(action.name()) || watch) return;
  const name = commandPath(action);
  const started = Date.now();
  const tick = () => {
    process.stderr.write(`alliance ${name}: still working (${Math.round((Date.now() - started) / 1000)} s)…\n`);
    timer = setTimeout(tick, PROGRESS_EVERY_MS);
    timer.unref();
  };
  let timer = setTimeout(tick, PROGRESS_AFTER_MS);
  timer.unref();
}

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x && x.parent; x = x.parent) names.unshift(x.name());
  return names.join(" ");
}
