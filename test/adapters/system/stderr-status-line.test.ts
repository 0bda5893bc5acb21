import { StderrStatusLine, type TerminalStream } from '../../../src/adapters/system/stderr-status-line.adapter';

function stream(isTTY: boolean, columns?: number): TerminalStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, ...(columns !== undefined ? { columns } : {}), written, write: (t: string) => written.push(t) };
}

describe('standard error with a status line', () => {
  it('on a terminal: a log line erases the bar, takes its place, and the bar is drawn again under it', () => {
    const s = stream(true, 120);
    const line = new StderrStatusLine(s);
    line.writeLine('first');
    line.show('[bar 10%]');
    line.show('[bar 10%]');
    line.show('[bar 20%]');
    line.writeLine('a log line');
    line.clear();
    line.clear();
    line.writeLine('after');
    expect(s.written).toEqual([
      'first\n',
      '\r\x1b[2K[bar 10%]',
      '\r\x1b[2K[bar 20%]',
      '\r\x1b[2Ka log line\n[bar 20%]',
      '\r\x1b[2K',
      'after\n',
    ]);
    expect([line.isTerminal(), line.columns()]).toEqual([true, 120]);
  });

  it('elsewhere: lines only, no status is ever drawn', () => {
    const s = stream(false);
    const line = new StderrStatusLine(s);
    line.show('[bar]');
    line.writeLine('a log line');
    line.clear();
    expect(s.written).toEqual(['a log line\n']);
    expect([line.isTerminal(), line.columns()]).toEqual([false, 80]);
  });

  it('goes on when standard error is closed', () => {
    const line = new StderrStatusLine({
      isTTY: true,
      write: () => {
        throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
      },
    });
    expect(() => {
      line.show('x');
      line.writeLine('y');
      line.clear();
    }).not.toThrow();
  });
});
