import { deliveryKey, type NewDelivery } from './delivery-queue.repository';

type Flush = (rows: NewDelivery[]) => Promise<Set<string>>;

interface Waiting {
  row: NewDelivery;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces the inserts of concurrent requests into one multi-row INSERT: everything that
 * arrives within the same event-loop turn shares a statement, so under load the database sees
 * a few large writes instead of one round trip per request. A lone request waits one
 * `setImmediate` (microseconds), not a timer.
 */
export class DeliveryBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: Flush,
    private readonly maxBatch = 200,
  ) {}

  /** True when the row was new, false for a repeat of a stored delivery. */
  add(row: NewDelivery): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (this.waiting.length >= this.maxBatch) this.run();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    this.scheduled = false;
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    this.flush(batch.map((w) => w.row)).then(
      (inserted) => {
        // Two requests with the same delivery id in one batch: only the first is the new one.
        const seen = new Set<string>();
        for (const w of batch) {
          const key = deliveryKey(w.row.storeId, w.row.deliveryId);
          w.resolve(inserted.has(key) && !seen.has(key));
          seen.add(key);
        }
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}
