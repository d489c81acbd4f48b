import { JetStreamApiError } from "@nats-io/jetstream";
import { jserrors, JetStreamStatusError } from "@nats-io/jetstream/internal";
import { errors, RequestError } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { isTransient, retryTransient } from "../../services/bus/core/retry.js";

describe("retry - transient errors recognised by class and code", () => {
  it("retry - timeouts, no responders, JetStream not enabled and 503s are transient, also as a cause", () => {
    expect(isTransient(new errors.TimeoutError())).toBe(true);
    expect(isTransient(new errors.NoRespondersError("$JS.API.STREAM.INFO.X"))).toBe(true);
    expect(isTransient(new jserrors.JetStreamNotEnabled("jetstream is not enabled"))).toBe(true);
    expect(isTransient(new RequestError("request failed", { cause: new errors.NoRespondersError("s") }))).toBe(true);
    expect(isTransient(new JetStreamApiError({ code: 503, err_code: 10008, description: "jetstream temporarily unavailable" }))).toBe(true);
    expect(isTransient(new JetStreamStatusError("no responders", 503))).toBe(true);
    expect(isTransient(new Error("wrapped", { cause: new errors.TimeoutError() }))).toBe(true);
  });

  it("retry - the text of a message decides nothing: a plain error saying 'timeout 503 jetstream not enabled' is not transient", () => {
    expect(isTransient(new Error("timeout 503 jetstream is not enabled"))).toBe(false);
    expect(isTransient(new JetStreamApiError({ code: 400, err_code: 10059, description: "stream not found (timeout)" }))).toBe(false);
    expect(isTransient(new errors.PermissionViolationError("permissions violation", "publish", "alliance.x"))).toBe(false);
    expect(isTransient("timeout")).toBe(false);
  });

  it("retry - retryTransient retries a transient failure and gives up at once on any other", async () => {
    let calls = 0;
    expect(await retryTransient(async () => (++calls < 2 ? Promise.reject(new errors.TimeoutError()) : "ok"), { deadlineMs: 5_000 })).toBe("ok");
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryTransient(async () => {
      calls++;
      throw new Error("timeout");
    }, { deadlineMs: 5_000 })).rejects.toThrow("timeout");
    expect(calls).toBe(1);
  });
});
