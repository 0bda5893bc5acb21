import { loadJobFiles } from '../../src/composition/job-files';
import { HexstreamError } from '../../src/domain/hexstream-error';
import type { JobLoaderPort, LoadedJob } from '../../src/ports/job-loader.port';
import { testJob } from '../support/event-job';

/** A loader that gives each path a job named after it (`./b.ts` → `b`), or `orders` for `./orders-copy.ts`. */
function fakeLoader(loaded: string[]): JobLoaderPort {
  return {
    load: async (path): Promise<LoadedJob> => {
      loaded.push(path);
      const name = path.includes('orders') ? 'orders' : path.replace(/^.*\//, '').replace(/\.\w+$/, '');
      return { job: { ...testJob(), name }, file: `/jobs/${path}` };
    },
  };
}

describe('loadJobFiles', () => {
  it('loads the values that are files and leaves built-in names as they are', async () => {
    const loaded: string[] = [];
    const flags = await loadJobFiles(
      [
        { job: 'orders', email: 'a@example.com' },
        { job: './b.ts', email: 'a@example.com' },
        { job: 'wages.yaml', email: 'a@example.com' },
      ],
      fakeLoader(loaded),
    );
    expect(loaded).toEqual(['./b.ts', 'wages.yaml']);
    expect(flags.map((f) => [f.job, f.jobFile?.job.name, f.jobFile?.file, f.email])).toEqual([
      ['orders', undefined, undefined, 'a@example.com'],
      ['./b.ts', 'b', '/jobs/./b.ts', 'a@example.com'],
      ['wages.yaml', 'wages', '/jobs/wages.yaml', 'a@example.com'],
    ]);
  });

  it('refuses two jobs of one name, a job file named like a built-in job included', async () => {
    const refusal = async (jobs: string[]): Promise<unknown> =>
      loadJobFiles(
        jobs.map((job) => ({ job })),
        fakeLoader([]),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
    const clash = await refusal(['orders', './orders-copy.ts']);
    expect(clash).toBeInstanceOf(HexstreamError);
    expect(clash).toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        '--job: orders and ./orders-copy.ts are both the job "orders": jobs run together need their own names (their outputs are named after them)',
    });
    expect(await refusal(['./a/b.ts', './c/b.yaml'])).toMatchObject({
      message:
        '--job: ./a/b.ts and ./c/b.yaml are both the job "b": jobs run together need their own names (their outputs are named after them)',
    });
  });
});
