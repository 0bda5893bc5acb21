interface Boundary {
  readonly position: number;
  readonly maxEventMs: number;
}

/**
 * Trigger boundaries of one partition: at each, the next position and the max event time seen
 * before it. A replay must start at a boundary, where the watermark is known exactly.
 */
export class ReplayBoundaries {
  private readonly list: Boundary[] = [];

  add(position: number, maxEventMs: number): void {
    const last = this.list[this.list.length - 1];
    if (last !== undefined && last.position === position) {
      // Same position, watermark moved (idle time): the later value is the one a record here sees.
      this.list[this.list.length - 1] = { position, maxEventMs };
      return;
    }
    this.list.push({ position, maxEventMs });
  }

  all(): readonly Boundary[] {
    return this.list;
  }

  isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** The last boundary at or before `position`, dropping the older ones (never needed again). */
  atOrBefore(position: number): Boundary | undefined {
    let i = this.list.length - 1;
    while (i >= 0 && (this.list[i] as Boundary).position > position) i--;
    if (i < 0) return undefined;
    if (i > 0) this.list.splice(0, i);
    return this.list[0];
  }
}
