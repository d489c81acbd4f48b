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
 * record is stored and every message read before that (whose lookup may have run before the
 * record existed) has been through the handling stage, in whatever order the scheduler finishes
 * them. Bounded by the read-ahead depth plus records in flight.
 */
export class HandledWindow {
  private readonly entries = new Map<string, HandledEntry>();
  /** Entries whose record is stored, waiting for every message read before `after` to finish. */
  private readonly expiring: { id: string; entry: HandledEntry; after: number }[] = [];
  private reads = 0;
  private readonly unfinished = new Set<number>();
  /** Every message read before this ticket has finished. */
  private low = 0;

  get(id: string): HandledEntry | undefined {
    return this.entries.get(id);
  }

  /** A message was read (its lookup may start from now on): its ticket for `finished`. */
  read(): number {
    const ticket = this.reads++;
    this.unfinished.add(ticket);
    return ticket;
  }

  /** The message with `ticket` has been through the handling stage. */
  finished(ticket: number): void {
    this.unfinished.delete(ticket);
    while (this.low < this.reads && !this.unfinished.has(this.low)) this.low++;
    this.expire();
  }

  /** The handler succeeded for `id` at `position`; `recorded` is the write of its record. */
  handled(id: string, position: string, recorded: Promise<void>): void {
    const entry = { position, recorded };
    this.entries.set(id, entry);
    const expire = () => {
      // Tickets are handed out in order, so `expiring` stays sorted by `after`.
      this.expiring.push({ id, entry, after: this.reads });
      this.expire();
    };
    recorded.then(expire, expire);
  }

  private expire(): void {
    while (this.expiring.length > 0 && this.expiring[0]!.after <= this.low) {
      const { id, entry } = this.expiring.shift()!;
      if (this.entries.get(id) === entry) this.entries.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
