/** An id this subscriber has handled, where, and the write of its processed record. */
export interface HandledEntry {
  readonly position: string;
  /** Resolves once the processed record is stored (rejects if the write failed). */
  readonly recorded: Promise<void>;
}

/**
 * Ids handled by this subscriber whose processed record a read-ahead lookup may not have seen.
 * With read-ahead, the processed record of message N+1 is looked up while message N is still being
 * handled, so the lookup can miss N's record; this window answers for it. An entry is kept until its
 * record is stored and every message whose lookup started before that has been through the
 * in-order stage: at most `depth` more messages. Bounded by the depth plus records in flight.
 */
export class HandledWindow {
  private readonly entries = new Map<string, HandledEntry>();
  private readonly expiring: { id: string; entry: HandledEntry; after: number }[] = [];
  private finished = 0;

  constructor(private readonly depth: number) {}

  get(id: string): HandledEntry | undefined {
    return this.entries.get(id);
  }

  /** The handler succeeded for `id` at `position`; `recorded` is the write of its record. */
  handled(id: string, position: string, recorded: Promise<void>): void {
    const entry = { position, recorded };
    this.entries.set(id, entry);
    const expire = () => void this.expiring.push({ id, entry, after: this.finished + this.depth + 1 });
    recorded.then(expire, expire);
  }

  /** One more message has been through the in-order stage. */
  step(): void {
    this.finished++;
    while (this.expiring.length > 0 && this.expiring[0]!.after <= this.finished) {
      const { id, entry } = this.expiring.shift()!;
      if (this.entries.get(id) === entry) this.entries.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
