import { heapGrowthGiven } from '../../src/composition/heap-growth';

describe('heapGrowthGiven', () => {
  it.each([
    [['--heap-growing-percent=50'], undefined, true],
    [[], '--max-old-space-size=256 --heap_growing_percent=80', true],
    [['--heap-growing-percent', '50'], undefined, true],
    [['--max-old-space-size=256'], '--enable-source-maps', false],
    [[], undefined, false],
    [['--heap-growing-percentage=5'], '', false],
  ] as Array<[string[], string | undefined, boolean]>)(
    'execArgv %j, NODE_OPTIONS %j: %s',
    (execArgv, nodeOptions, given) => {
      expect(heapGrowthGiven(execArgv, nodeOptions)).toBe(given);
    },
  );
});
