import { applyUpdate, modelOf, type JobHead, type Sample, type State } from '../../web/console/model';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

function head(job: string, startedAtMs = T0, read = 0): JobHead {
  return {
    job,
    mode: 'prod',
    input: 'topic in',
    table: 't',
    outputMode: 'update',
    columns: [],
    startedAtMs,
    status: 'running',
    totals: {
      read,
      accepted: read,
      invalid: 0,
      late: 0,
      duplicate: 0,
      error: 0,
      deadLetters: 0,
      rowsWritten: 0,
      triggers: 0,
      replayed: 0,
    },
    assigned: [0],
  };
}

function sample(t: number): Sample {
  return {
    t,
    read: t - T0,
    rate: null,
    rowsRate: null,
    commitMs: null,
    eventToCommitMs: null,
    openWindows: 0,
    stateRows: 0,
    rememberedIds: 0,
    lag: {},
    watermarks: {},
  };
}

describe("the console page's model", () => {
  it('adds each tick’s sample to the series, drops the oldest past the bound, keeps lists an update does not carry', () => {
    const lists = { deadLetters: [], rows: [{ atMs: T0, key: 'k', values: { a: 1 } }] };
    const state: State = {
      nowMs: T0,
      sampleEveryMs: 1000,
      maxSamples: 2,
      jobs: [{ ...head('a'), samples: [sample(T0)], lists }],
    };
    const model = modelOf(state);
    applyUpdate(model, { nowMs: T0 + 1000, jobs: [{ ...head('a', T0, 5), sample: sample(T0 + 1000) }] });
    applyUpdate(model, { nowMs: T0 + 2000, jobs: [{ ...head('a', T0, 9), sample: sample(T0 + 2000) }] });
    const a = model.jobs.get('a');
    expect([model.nowMs, a?.totals.read, a?.samples.map((s) => s.t - T0), a?.lists]).toEqual([
      T0 + 2000,
      9,
      [1000, 2000],
      lists,
    ]);
  });

  it('takes a job it did not know, and starts a job run again with new series and lists', () => {
    const model = modelOf({ nowMs: T0, sampleEveryMs: 1000, maxSamples: 5, jobs: [] });
    const newLists = { deadLetters: [], rows: [] };
    applyUpdate(model, { nowMs: T0, jobs: [{ ...head('b'), sample: sample(T0), lists: newLists }] });
    applyUpdate(model, { nowMs: T0 + 1000, jobs: [{ ...head('b', T0 + 500), sample: sample(T0 + 1000) }] });
    const b = model.jobs.get('b');
    expect([b?.startedAtMs, b?.samples.map((s) => s.t - T0), b?.lists]).toEqual([
      T0 + 500,
      [1000],
      { deadLetters: [], rows: [] },
    ]);
  });
});
