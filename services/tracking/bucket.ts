/** The KV bucket of the members' tracking views (v1.1 §1b.4): `<member>.requests`, `<member>.recalls`, `<member>.receipts`. */
export const TRACKING_BUCKET = "ALLIANCE_TRACKING";

/** The views a member writes, each one key: all it may write there (a key per view, nothing more). */
export const TRACKING_VIEWS = ["requests", "recalls", "receipts"] as const;

/** The subjects of `member`'s view keys in the bucket, for its permissions. */
export function trackingViewSubjects(member: string): string[] {
  return TRACKING_VIEWS.map((view) => `$KV.${TRACKING_BUCKET}.${member}.${view}`);
}

/** The durable consumer a member's tracking reads each priority stream through (declared in config `access.consumers`). */
export function trackingConsumerName(member: string): string {
  return `${member}-tracking`;
}
