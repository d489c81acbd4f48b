/** The KV bucket of the members' tracking views (v1.1 §1b.4): `<member>.requests`, `<member>.recalls`, `<member>.receipts`. */
export const TRACKING_BUCKET = "ALLIANCE_TRACKING";

/** The durable consumer a member's tracking reads each priority stream through (declared in config `access.consumers`). */
export function trackingConsumerName(member: string): string {
  return `${member}-tracking`;
}
