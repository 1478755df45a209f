/**
 * A first-in first-out queue of times that grows as needed. Retries of one number (all first
 * retries, all second retries, …) are sent a fixed delay after their previous try, which arrived
 * in time order, so each such stream is already sorted: merging a few of these queues replaces
 * a heap of events.
 */
export class TimeQueue {
  private buf = new Float64Array(1024);
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  /** The earliest time queued, or Infinity. */
  peek(): number {
    return this.size > 0 ? this.buf[this.head] : Infinity;
  }

  push(tS: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) % this.buf.length] = tS;
    this.size++;
  }

  shift(): number {
    const t = this.buf[this.head];
    this.head = (this.head + 1) % this.buf.length;
    this.size--;
    return t;
  }

  private grow(): void {
    const next = new Float64Array(this.buf.length * 2);
    for (let k = 0; k < this.size; k++) next[k] = this.buf[(this.head + k) % this.buf.length];
    this.buf = next;
    this.head = 0;
  }
}
