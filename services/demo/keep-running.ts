import { setTimeout as sleep } from "node:timers/promises";
import type { Bounds } from "../../schemas/config.js";
import type { JetStreamClient } from "../bus/core/nats-types.js";
import type { Signer } from "../bus/keys/keys.js";
import type { Logger } from "../bus/core/logger.js";
import { createPublisher } from "../bus/publish/publisher.js";
import { demoScenario } from "./scenario.js";

/** How often a ministry publishes while the demo is kept running for people to watch. */
export const KEEP_PUBLISH_MS = 3_000;

/**
 * After the scenario, for people watching the dashboard: the ministries go on publishing the
 * scenario's messages (fresh ids, fresh signatures), one every few seconds, until SIGINT or SIGTERM.
 */
export async function keepPublishingUntilSignal(deps: {
  /** Each ministry's own connection: only its own may publish under its code. */
  jsFor: (origin: string) => JetStreamClient | undefined;
  signers: ReadonlyMap<string, Signer>;
  bounds: Bounds;
  log: Logger;
}): Promise<NodeJS.Signals> {
  let stop = false;
  let received: NodeJS.Signals = "SIGTERM";
  const stopped = new Promise<void>((resolve) => {
    const finish = (signal: NodeJS.Signals) => {
      stop = true;
      received = signal;
      process.off("SIGINT", finish);
      process.off("SIGTERM", finish);
      resolve();
    };
    process.on("SIGINT", finish);
    process.on("SIGTERM", finish);
  });
  for (let i = 0; !stop; i++) {
    const m = demoScenario[i % demoScenario.length]!;
    const signer = deps.signers.get(m.origin);
    const js = deps.jsFor(m.origin);
    if (signer && js) {
      const publisher = createPublisher({ js, signer, bounds: deps.bounds, log: deps.log });
      await publisher.publish({ channel: m.channel, kind: m.kind, data: m.data, tlp: m.tlp, lang: m.lang })
        .catch((err: unknown) => deps.log.warn({ err }, "publish failed while kept running"));
    }
    await Promise.race([sleep(KEEP_PUBLISH_MS), stopped]);
  }
  return received;
}
