import type { Command } from "commander";
import { z } from "zod";
import type { CliContext } from "../context.js";
import { parseOption } from "../input.js";

const Port = z.coerce.number().int().min(0).max(65_535);

export function registerMonitor(program: Command, ctx: CliContext): void {
  program
    .command("monitor")
    .description("run the stream-health monitor: /healthz, /readyz, /metrics, /api/status and a live dashboard at /")
    .option("--host <address>", "address to listen on (default: config monitor.http.host, 127.0.0.1)")
    .option("--port <port>", "port to listen on (default: config monitor.http.port, 8080; 0 picks a free one)")
    .addHelpText("after", "\nExamples:\n  NATS_CREDS=creds/monitor.nk alliance monitor --port 8080")
    .action(async (opts: { host?: string; port?: string }) => {
      const { runMonitorProcess } = await import("../../monitor/main.js");
      const port = opts.port === undefined ? undefined : parseOption(Port, opts.port, "--port");
      await ctx.withBus("alliance-monitor", (bus) => runMonitorProcess({
        config: ctx.config(), bus, log: ctx.log,
        ...(opts.host ? { host: opts.host } : {}),
        ...(port !== undefined ? { port } : {}),
        onListening: (url) => process.stdout.write(`monitor dashboard: ${url}\n`),
      }));
    });
}
