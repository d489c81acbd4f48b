import { randomUUID } from "node:crypto";
import type { OutgoingEvent } from "../services/bus/wire/sign.js";

/**
 * The bench's message: a crime bulletin of realistic size (the signed body is about 1 KiB),
 * the same for every workload. Raw JetStream sends the same envelope, unsigned and unchecked.
 */
export const BULLETIN_DATA = Object.freeze({
  title: "Container loads of cocaine hidden in fruit shipments through Atlantic ports",
  summary:
    "Seizures at three ports point to one network concealing cocaine in refrigerated fruit containers, with loaders recruited inside the terminals.",
  body:
    "Refrigerated containers declared as bananas and pineapples carried cocaine blocks behind the cooling units. " +
    "Dock workers paid per container remove the loads before customs inspection. " +
    "Proceeds are moved through trade-based money laundering with over-invoiced fruit imports.",
  keywords: ["cocaine", "reefer containers", "port insiders", "rip-on rip-off"],
  offences: ["drug-trafficking", "money-laundering", "corruption"],
  jurisdictions: ["es", "fr", "ma"],
  modusOperandi: ["Drugs concealed behind reefer cooling units", "Terminal insiders recruited to extract loads"],
});

export const BULLETIN: Omit<OutgoingEvent, "data"> & { data: typeof BULLETIN_DATA } = Object.freeze({
  channel: "crime",
  kind: "bulletin",
  tlp: "AMBER",
  lang: "en",
  data: BULLETIN_DATA,
});

/** The subject every throughput and latency message travels on (publisher `fr`). */
export const BENCH_SUBJECT = "alliance.crime.fr.bulletin";

const encoder = new TextEncoder();

/** The raw workload's body: the same CloudEvents envelope, serialised, with a fresh id. */
export function rawBody(id: string = randomUUID()): { id: string; body: Uint8Array } {
  const envelope = {
    specversion: "1.0",
    id,
    source: "fr",
    type: "alliance.crime.bulletin.v1",
    time: new Date().toISOString(),
    datacontenttype: "application/json",
    tlp: BULLETIN.tlp,
    lang: BULLETIN.lang,
    data: BULLETIN_DATA,
  };
  return { id, body: encoder.encode(JSON.stringify(envelope)) };
}
