import type { NatsConnection, Subscription } from "@nats-io/transport-node";

/** A plain (not JetStream) subscription to some subjects, such as `$JS.EVENT.ADVISORY.>`. */
export interface SubjectWatch {
  stop(): Promise<void>;
}

export interface SubjectWatchHandlers {
  onMessage(message: { readonly subject: string; readonly data: Uint8Array }): void;
  onError(err: Error, subject: string): void;
}

/**
 * Subscribes to each subject and hands every message to `onMessage` as it arrives: what the
 * monitor's advisory counter uses (advisories are not stored, so only a live subscription sees them).
 */
export function watchSubjects(nc: NatsConnection, subjects: readonly string[], handlers: SubjectWatchHandlers): SubjectWatch {
  const subs: Subscription[] = subjects.map((subject) =>
    nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) handlers.onError(err, subject);
        else handlers.onMessage({ subject: msg.subject, data: msg.data });
      },
    }),
  );
  return {
    async stop() {
      for (const sub of subs) if (!sub.isClosed()) sub.unsubscribe();
    },
  };
}
