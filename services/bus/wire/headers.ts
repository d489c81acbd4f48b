/** Every NATS header the alliance reads or writes, spelled once. */
export const Header = {
  Signature: "Alliance-Signature",
  MsgId: "Nats-Msg-Id",
  /** Set by the server on headers-only deliveries: the size of the body left out. */
  MsgSize: "Nats-Msg-Size",
  /** Set by the server on a direct get's answer: the subject the message was stored under. */
  StoredSubject: "Nats-Subject",
  /** The KV client's operation on a stored value: `DEL` or `PURGE` on a removal marker (absent on a put). */
  KvOperation: "KV-Operation",
  ContentType: "Content-Type",
  QuarantineReason: "Alliance-Quarantine-Reason",
  QuarantineDetail: "Alliance-Quarantine-Detail",
  OriginalSubject: "Alliance-Original-Subject",
  OriginalSeq: "Alliance-Original-Seq",
  OriginalStream: "Alliance-Original-Stream",
  OriginalMsgId: "Alliance-Original-Msg-Id",
  QuarantineConsumer: "Alliance-Quarantine-Consumer",
  /**
   * Every header of a quarantined original, encoded into one value JetStream does not act on
   * (docs/protocol.md §7): base64url of the JSON `[[name, [value, …]], …]`.
   */
  OriginalHeaders: "Alliance-Original-Headers",
  /** Set when original headers past the size bound were left out of `Alliance-Original-Headers`: how many, of how many. */
  OriginalHeadersOmitted: "Alliance-Original-Headers-Omitted",
} as const;
export type Header = (typeof Header)[keyof typeof Header];

export const CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json";
