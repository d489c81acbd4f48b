import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "../bus/core/logger.js";
import type { Monitor } from "./service.js";
import { Level } from "./types.js";

/** The dashboard's files, served from memory: no CDN, nothing from the internet. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/charts.js": { file: "charts.js", type: "text/javascript; charset=utf-8" },
  "/tracking.js": { file: "tracking.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

/** The page may load only what this server serves: a stray external asset fails loudly. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** SSE keeps a proxy from closing a quiet stream. */
const SSE_KEEPALIVE_MS = 15_000;

export interface HttpDeps {
  readonly monitor: Monitor;
  readonly log: Logger;
  /** How long the sampling loop may be silent before /healthz says the monitor is stuck. */
  readonly livenessMs: number;
}

/**
 * The monitor's HTTP face: /healthz (the monitor itself), /readyz (the bus: 503 when critical),
 * /metrics (Prometheus text), /api/status, /api/history, /api/events (server-sent events) and the
 * dashboard at /. Built here, listened on by the caller.
 */
export function buildHttpServer({ monitor, log, livenessMs }: HttpDeps): FastifyInstance {
  const app = Fastify({ loggerInstance: log.child({ svc: "monitor-http" }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  const assets = new Map(Object.entries(ASSETS).map(([path, a]) => [path, { body: readFileSync(new URL(`./dashboard/${a.file}`, import.meta.url)), type: a.type }]));
  const streams = new Set<ServerResponse>();

  app.addHook("onSend", async (_request, reply) => {
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("Cache-Control", "no-store");
  });

  for (const [path, asset] of assets) {
    app.get(path, async (_request, reply) => reply.type(asset.type).header("Content-Security-Policy", CSP).send(asset.body));
  }

  app.get("/healthz", async (_request, reply) => {
    const last = monitor.lastTickAt();
    const alive = last !== undefined && Date.now() - last <= livenessMs;
    return reply.code(alive ? 200 : 503).send({ status: alive ? "ok" : "stuck", lastTickAt: last === undefined ? null : new Date(last).toISOString() });
  });

  app.get("/readyz", async (_request, reply) => {
    const status = monitor.status();
    const raised = status.checks.filter((c) => c.level !== Level.Ok).map(({ level, rule, message }) => ({ level, rule, message }));
    return reply.code(status.overall === Level.Critical ? 503 : 200).send({ status: status.overall, at: status.at, checks: raised });
  });

  app.get("/metrics", async (_request, reply) => {
    const registry = monitor.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  app.get("/api/status", async () => monitor.status());
  app.get("/api/history", async () => ({ points: monitor.history() }));

  app.get("/api/events", (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", Connection: "keep-alive", "X-Accel-Buffering": "no" });
    const send = (data: unknown) => res.write(`event: status\ndata: ${JSON.stringify(data)}\n\n`);
    send(monitor.status());
    const unsubscribe = monitor.onStatus(send);
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), SSE_KEEPALIVE_MS);
    streams.add(res);
    request.raw.on("close", () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(res);
    });
  });

  // Open event streams would hold the server open for ever: end them when it closes.
  app.addHook("preClose", async () => {
    for (const res of streams) res.end();
  });
  return app;
}
