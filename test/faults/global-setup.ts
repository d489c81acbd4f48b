import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable, readResults, SUMMARY_FILE_ENV } from "./scenarios/summary.js";

/**
 * Gives the fault cases a file to record their results in, and prints them as one table when the
 * suite ends (whether it passed or not: a failed case's row, if it got that far, still shows).
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "alliance-faults-"));
  const file = join(dir, "results.jsonl");
  process.env[SUMMARY_FILE_ENV] = file;
  return () => {
    const results = readResults(file).sort((a, b) => a.case.localeCompare(b.case, "en", { numeric: true }));
    process.stdout.write(`\nFault suite summary (3-node nats-server cluster)\n${results.length ? formatTable(results) : "(no case recorded a result)"}\n\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
