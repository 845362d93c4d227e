/**
 * The visit's phases timed with the injected clock, for `Server-Timing`. Each mark closes the
 * phase that started at the previous mark; `total` runs from the start to the last mark.
 */
export class Timings {
  readonly start: number;
  private last: number;
  private readonly phases: [string, number][] = [];

  constructor(private readonly now: () => number) {
    this.start = this.last = now();
  }

  /** Ends the phase `name` now. */
  mark(name: string): void {
    const t = this.now();
    this.phases.push([name, t - this.last]);
    this.last = t;
  }

  /** Records a phase measured elsewhere (e.g. the origin's time to first byte). */
  add(name: string, ms: number): void {
    this.phases.push([name, ms]);
  }

  header(): string {
    return [...this.phases, ['total', this.last - this.start] as const]
      .map(([name, ms]) => `${name};dur=${ms}`)
      .join(', ');
  }
}
