import { defineConfig } from "vitest/config";

/**
 * `npm run test:faults`: the full-size fault-injection suite against a 3-node nats-server cluster
 * per case. One file at a time: two clusters fighting over two cores would turn elections into
 * timeouts that are the test machine's fault, not the bus's.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.test.ts"],
    globalSetup: ["test/faults/global-setup.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
