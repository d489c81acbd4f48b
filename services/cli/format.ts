import type { AllianceEvent } from "../../schemas/envelope.js";

/** One readable line for an accepted event: where it came from and what it says. */
export function formatEventLine(event: AllianceEvent, meta: { stream: string; seq: number; kid: string; sealed?: { kid: string } | undefined }): string {
  const data = event.data as { title?: unknown };
  const title = typeof data?.title === "string" ? data.title : "";
  const to = event.recipients ? ` to=${event.recipients.join(",")}` : "";
  // v1.1 §1b.3: handling and evaluation travel with the event and are shown wherever it is.
  const sealed = meta.sealed ? ` sealed=${meta.sealed.kid}` : "";
  const handling = `${event.handling ? ` handling=${event.handling}` : ""}${event.handlingnote ? ` handlingnote=${JSON.stringify(event.handlingnote)}` : ""}${event.evaluation ? ` evaluation=${event.evaluation}` : ""}`;
  return `${meta.stream}#${meta.seq} ${event.type} from=${event.source} kid=${meta.kid} tlp=${event.tlp}${handling} lang=${event.lang}${to}${sealed} id=${event.id} ${title}`;
}
