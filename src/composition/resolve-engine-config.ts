import { isOutputMode, type OutputMode } from '../domain/engine/output-mode';
import type { AnyJob } from '../domain/jobs/job';
import { sessionWindows, slidingWindows, type WindowSpec } from '../domain/windowing/window-spec';
import { builtInJob, jobNames } from './built-in-jobs';
import { duration, idleTimeout, invalid, logFormat, logLevel, positiveInteger } from './config-values';
import type { RawFlags } from './raw-flags';
import { isJobFilePath } from './job-files';
import type { EngineConfig } from './run-config';

// Pragmatic address check: one @, a local part without spaces or specials, a dotted domain.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The operator's address (`<email>`), checked. */
export function operatorEmail(text: string | undefined): string {
  const email = text ?? '';
  if (email.length > 254 || !EMAIL.test(email))
    throw invalid('<email>', `not a valid e-mail address: ${JSON.stringify(email)}`);
  return email;
}

export function resolveEngineConfig(flags: RawFlags, prodDefaults: { triggerIntervalMs: number }): EngineConfig {
  const email = operatorEmail(flags.email);
  const job = resolveJob(flags);
  const window = resolveWindows(flags, job);
  const outputMode = resolveOutputMode(flags, job, window);
  const triggerIntervalMs = duration('--trigger-interval', flags.triggerInterval, prodDefaults.triggerIntervalMs);
  if (triggerIntervalMs <= 0) throw invalid('--trigger-interval', 'must be longer than 0');
  const progressIntervalMs = duration('--progress-interval', flags.progressInterval, 5_000);
  const format = logFormat(flags);
  if (progressIntervalMs <= 0) throw invalid('--progress-interval', 'must be longer than 0');
  return {
    email,
    job,
    window,
    watermarkMs: duration('--watermark', flags.watermark, job.defaults.watermarkMs),
    outputMode,
    idleTimeoutMs: idleTimeout(flags.idleTimeout),
    triggerIntervalMs,
    triggerRecords: positiveInteger('--trigger-records', flags.triggerRecords, 50_000),
    progressIntervalMs,
    maxDriftMs: duration('--max-drift', flags.maxDrift, 60_000),
    logLevel: logLevel(flags),
    ...(format !== undefined ? { logFormat: format } : {}),
  };
}

/** `--job`, and the window flags it allows (a job with fixed windows takes none). */
function resolveJob(flags: RawFlags): AnyJob {
  const jobName = flags.job ?? 'orders';
  if (isJobFilePath(jobName) && flags.jobFile === undefined)
    throw new Error(`job file ${jobName} was not loaded (loadJobFiles)`);
  const job: AnyJob | undefined = flags.jobFile?.job ?? builtInJob(jobName);
  if (job === undefined)
    throw invalid('--job', `unknown job ${JSON.stringify(jobName)} (known: ${jobNames().join(', ')})`);
  const fixed = job.defaults.fixedWindows;
  if (fixed !== undefined) {
    const flag =
      flags.window !== undefined
        ? '--window'
        : flags.slide !== undefined
          ? '--slide'
          : flags.sessionGap !== undefined
            ? '--session-gap'
            : undefined;
    if (flag !== undefined) throw invalid(flag, `job ${job.name} ${fixed}: its windows cannot be changed`);
  }
  return job;
}

/** `--session-gap`, or `--window` and `--slide` (a tumbling default stays tumbling with another `--window`). */
function resolveWindows(flags: RawFlags, job: AnyJob): WindowSpec {
  const d = job.defaults;
  if (flags.sessionGap !== undefined) {
    if (flags.window !== undefined || flags.slide !== undefined)
      throw invalid('--session-gap', 'session windows take no --window or --slide');
    const gapMs = duration('--session-gap', flags.sessionGap, 0);
    if (gapMs <= 0) throw invalid('--session-gap', 'must be longer than 0');
    return sessionWindows(gapMs);
  }
  if (flags.window === undefined && flags.slide === undefined) return d.window;
  // A job with session or global windows takes `--window` (and `--slide`) as a tumbling default.
  const fixed = d.window.kind === 'fixed' ? d.window : undefined;
  if (fixed === undefined && flags.window === undefined)
    throw invalid('--slide', `job ${job.name} has ${d.window.kind} windows: --slide needs --window`);
  const windowMs = duration('--window', flags.window, fixed?.lengthMs ?? 0);
  const slideMs =
    flags.slide === undefined && (fixed === undefined || fixed.slideMs === fixed.lengthMs)
      ? windowMs
      : duration('--slide', flags.slide, fixed?.slideMs ?? windowMs);
  if (windowMs <= 0) throw invalid('--window', 'must be longer than 0');
  if (slideMs <= 0) throw invalid('--slide', 'must be longer than 0');
  if (slideMs > windowMs) throw invalid('--slide', `must not exceed --window (${slideMs} ms > ${windowMs} ms)`);
  return slidingWindows(windowMs, slideMs);
}

function resolveOutputMode(flags: RawFlags, job: AnyJob, window: WindowSpec): OutputMode {
  // A session's row is written once, when it closes: append is the one mode sessions have.
  const outputMode = flags.outputMode ?? (window.kind === 'session' ? 'append' : job.defaults.outputMode);
  if (!isOutputMode(outputMode))
    throw invalid('--output-mode', `must be update, append or complete, got ${JSON.stringify(outputMode)}`);
  if (window.kind === 'session' && outputMode !== 'append') {
    throw invalid(
      '--output-mode',
      `session windows need append mode (rows are upserted, never deleted: a merge of two sessions would leave the row of the merged one), got ${outputMode}`,
    );
  }
  return outputMode;
}
