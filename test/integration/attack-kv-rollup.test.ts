import { headers } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openJsonView } from "../../services/bus/admin/json-view.js";
import type { Bus } from "../../services/bus/core/bus.js";
import { loadConfig } from "../../services/bus/core/config.js";
import { TRACKING_BUCKET } from "../../services/tracking/index.js";
import { startSecureTestServer, type SecureTestServer } from "../helpers/secure-nats.js";

/**
 * Red team (issue 11, a member starving another within its own permissions): the tracking views
 * bucket is shared, each member writing its own three keys. A KV bucket's stream allows rollup
 * headers, and `Nats-Rollup: all` on any subject of a stream purges the whole stream: France,
 * publishing one empty message with it on its own key, erased every member's views (the monitor's
 * overdue, missing-receipt and recall rules then saw nothing). The views' buckets refuse rollups.
 */
const config = loadConfig();
let secure: SecureTestServer;
const buses: Bus[] = [];
const open = async (who: string) => {
  const bus = await secure.open(who);
  buses.push(bus);
  return bus;
};

beforeAll(async () => {
  secure = await startSecureTestServer({ config });
  const admin = await open("admin");
  await openJsonView(admin.js, admin.jsm, TRACKING_BUCKET, { replicas: 1, create: true });
}, 120_000);
afterAll(async () => {
  for (const b of buses) await b.close();
  await secure?.stop();
});

it("rollup - France's `Nats-Rollup: all` on its own view key does not erase Spain's views", async () => {
  const es = await open("es");
  await (await openJsonView(es.js, es.jsm, TRACKING_BUCKET, { replicas: 1 })).put("es.requests", [{ id: "spain's" }]);
  const fr = await open("fr");
  const h = headers();
  h.set("Nats-Rollup", "all");
  const outcome = await fr.js.publish(`$KV.${TRACKING_BUCKET}.fr.requests`, new Uint8Array(0), { headers: h, retries: 0 }).then(() => "stored", (e: Error) => e.message);
  expect(outcome).not.toBe("stored");
  const monitor = await open("monitor");
  expect(await (await openJsonView(monitor.js, monitor.jsm, TRACKING_BUCKET, { replicas: 1 })).entries()).toEqual([["es.requests", [{ id: "spain's" }]]]);
  // The streams a member publishes to never took rollups: the governance record cannot be purged so.
  const gov = await fr.js.publish("alliance.secretariat.fr.vote-cast", new Uint8Array(0), { headers: h, retries: 0 }).then(() => "stored", (e: Error) => e.message);
  expect(gov).not.toBe("stored");
}, 60_000);
