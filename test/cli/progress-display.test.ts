import type { InputProgress } from '../../src/ports/input-progress.port';
import type { StatusLinePort } from '../../src/ports/status-line.port';
import {
  formatEta,
  ProgressDisplay,
  progressBarFrame,
  progressPlainLine,
  ProgressSamples,
} from '../../src/cli/progress-display';

/** A status line that records what it was asked to do. */
class RecordedStatus implements StatusLinePort {
  readonly calls: string[] = [];
  constructor(
    private readonly terminal: boolean,
    private readonly width = 100,
  ) {}
  isTerminal(): boolean {
    return this.terminal;
  }
  columns(): number {
    return this.width;
  }
  writeLine(text: string): void {
    this.calls.push(`line ${text}`);
  }
  show(text: string): void {
    this.calls.push(`show ${text}`);
  }
  clear(): void {
    this.calls.push('clear');
  }
}

/** Readings of a 1,000,000-byte file of 10,000 records, one per step (time ms, records, bytes). */
const STEPS: ReadonlyArray<readonly [number, number, number]> = [
  [0, 0, 0],
  [250, 0, 100_000],
  [500, 1_000, 200_000],
  [1_000, 2_000, 250_000],
  [2_000, 4_000, 400_000],
  [4_000, 7_000, 700_000],
  [5_000, 10_000, 1_000_000],
];

function scripted(bytesTotal: number | undefined): {
  now: () => number;
  input: { inputProgress: () => InputProgress };
  step: () => void;
} {
  let i = 0;
  const at = (): readonly [number, number, number] => STEPS[i] as readonly [number, number, number];
  return {
    now: () => at()[0],
    input: { inputProgress: () => ({ records: at()[1], bytesRead: at()[2], bytesTotal }) },
    step: () => void i++,
  };
}

describe('the progress bar on a terminal', () => {
  it('draws these frames for a known sequence of readings', () => {
    const s = scripted(1_000_000);
    const status = new RecordedStatus(true);
    const display = new ProgressDisplay(s.input, status, { terminal: true, plainEveryMs: 5_000, now: s.now });
    for (let k = 1; k < STEPS.length; k++) {
      s.step();
      display.tick();
    }
    // records/s since the newest reading at least 3 s old (or the first): at 4 s, since the one at 1 s,
    // (7,000 − 2,000) / 3 s = 1,667. ETA from the bytes read since the start, left × elapsed / read:
    // at 4 s, 300,000 × 4 s / 700,000 = 1.7 s, shown rounded up.
    expect(status.calls).toEqual([
      'show ▕██░░░░░░░░░░░░░░░░░░▏  10% · 0 records · 0 records/s · ETA 0:03',
      'show ▕████░░░░░░░░░░░░░░░░▏  20% · 1,000 records · 2,000 records/s · ETA 0:02',
      'show ▕█████░░░░░░░░░░░░░░░▏  25% · 2,000 records · 2,000 records/s · ETA 0:03',
      'show ▕████████░░░░░░░░░░░░▏  40% · 4,000 records · 2,000 records/s · ETA 0:03',
      'show ▕██████████████░░░░░░▏  70% · 7,000 records · 1,667 records/s · ETA 0:02',
      'show ▕████████████████████▏ 100% · 10,000 records · 2,000 records/s · ETA 0:00',
    ]);
  });

  it('draws the last figures once more when stopped, then erases the bar (the last tick may be old)', () => {
    const s = scripted(1_000_000);
    const status = new RecordedStatus(true);
    const display = new ProgressDisplay(s.input, status, { terminal: true, plainEveryMs: 5_000, now: s.now });
    const stop = display.start(60_000); // no tick of its own within this test
    for (let k = 1; k < STEPS.length; k++) s.step();
    stop();
    // Since the start (0 s) at 5 s: 10,000 records / 5 s.
    expect(status.calls).toEqual([
      'show ▕████████████████████▏ 100% · 10,000 records · 2,000 records/s · ETA 0:00',
      'clear',
    ]);
  });

  it('draws nothing before anything is read (the input is not open yet)', () => {
    const s = scripted(1_000_000);
    const status = new RecordedStatus(true);
    new ProgressDisplay(s.input, status, { terminal: true, plainEveryMs: 5_000, now: s.now }).tick();
    expect(status.calls).toEqual([]);
  });

  it('is cut to the width of the terminal, so that it never wraps', () => {
    const figures = new ProgressSamples({ atMs: 0, progress: { records: 0, bytesRead: 0, bytesTotal: 100 } }).next(
      1_000,
      { records: 500, bytesRead: 50, bytesTotal: 100 },
    );
    expect(progressBarFrame(figures, 30)).toBe('▕██████████░░░░░░░░░░▏  50% ·');
  });

  it('shows records and rate alone when the input has no known size (standard input)', () => {
    const s = scripted(undefined);
    const status = new RecordedStatus(true);
    const display = new ProgressDisplay(s.input, status, { terminal: true, plainEveryMs: undefined, now: s.now });
    s.step();
    s.step();
    display.tick();
    expect(status.calls).toEqual(['show 1,000 records · 2,000 records/s']);
  });
});

describe('progress when standard error is not a terminal', () => {
  it('is a plain line every interval', () => {
    const s = scripted(1_000_000);
    const status = new RecordedStatus(false);
    const display = new ProgressDisplay(s.input, status, { terminal: false, plainEveryMs: 2_000, now: s.now });
    for (let k = 1; k < STEPS.length; k++) {
      s.step();
      display.tick();
    }
    // Read at 2 s and 4 s only: at 4 s no reading is 3 s old but the first, so 7,000 / 4 s.
    expect(status.calls).toEqual([
      'line progress 40% · 4,000 records · 2,000 records/s · ETA 0:03',
      'line progress 70% · 7,000 records · 1,750 records/s · ETA 0:02',
    ]);
  });

  it('is nothing when the logs carry progress lines already', () => {
    const s = scripted(1_000_000);
    const status = new RecordedStatus(false);
    const display = new ProgressDisplay(s.input, status, { terminal: false, plainEveryMs: undefined, now: s.now });
    for (let k = 1; k < STEPS.length; k++) {
      s.step();
      display.tick();
    }
    expect(status.calls).toEqual([]);
  });

  it('reads as a plain line without a size', () => {
    const figures = new ProgressSamples({
      atMs: 0,
      progress: { records: 0, bytesRead: 0, bytesTotal: undefined },
    }).next(2_000, { records: 3_000, bytesRead: 10, bytesTotal: undefined });
    expect(progressPlainLine(figures)).toBe('progress 3,000 records · 1,500 records/s');
  });
});

describe('formatEta', () => {
  it.each([
    [undefined, '--:--'],
    [0, '0:00'],
    [1, '0:01'],
    [59_001, '1:00'],
    [725_000, '12:05'],
    [3_723_000, '1:02:03'],
  ])('%j ms → %s', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });
});
