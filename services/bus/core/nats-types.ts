/**
 * The client's types that the bus's own interfaces hand out (a Bus holds a JetStreamClient, a
 * subscriber's handler sees its JsMsg): services name them from here, so that only services/bus
 * depends on the NATS packages.
 */
export type { ClusterInfo, ConsumerInfo, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg, StreamInfo } from "@nats-io/jetstream";
export type { ConnectionOptions, MsgHdrs } from "@nats-io/transport-node";
