// The client options moved to services/bus/core (the SDK's `connect` builds them too, and only
// services/bus talks to NATS); identity keeps importing them from there.
export { clientConnectOptions } from "../bus/core/connect-options.js";
export type { ClientSecurity } from "../bus/core/connect-options.js";
