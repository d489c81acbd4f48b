import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/faults/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each integration file starts its own nats-server; two cores do not gain from more.
    maxWorkers: 2,
  },
});
