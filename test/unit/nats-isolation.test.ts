import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

describe("one place talks to NATS", () => {
  it("no file of services outside services/bus names an @nats-io package", () => {
    const offenders = sourceFiles(join(ROOT, "services"))
      .map((file) => relative(ROOT, file).split("\\").join("/"))
      .filter((file) => !file.startsWith("services/bus/"))
      .filter((file) => readFileSync(join(ROOT, file), "utf8").includes("@nats-io"));
    expect(offenders).toEqual([]);
  });
});
