import type { AllianceEvent } from "../../schemas/envelope.js";

/** One readable line for an accepted event: where it came from and what it says. */
export function formatEventLine(event: AllianceEvent, meta: { stream: string; seq: number; kid: string }): string {
  const data = event.data as { title?: unknown };
  const title = typeof data?.title === "string" ? data.title : "";
  const to = event.recipients ? ` to=${event.recipients.join(",")}` : "";
  return `${meta.stream}#${meta.seq} ${event.type} from=${event.source} kid=${meta.kid} tlp=${event.tlp} lang=${event.lang}${to} id=${event.id} ${title}`;
}
