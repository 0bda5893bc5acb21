import type { AnyJob } from '../../domain/jobs/job';
import { compileJobFile } from './compile-job-file';
import { jobFileError, thrownMessage } from './job-file-error';
import { readJobFile } from './read-job-file';
import { SpecReader } from './spec-reader';
import { parseSpecTree } from './yaml-tree';

/**
 * A YAML or JSON job file's text as a job: parsed with the line of each node, validated whole
 * (`readJobFile`), then compiled through `defineJob`. `file` is the path as the user gave it.
 */
export function dataJob(text: string, file: string): AnyJob {
  const spec = readJobFile(new SpecReader(file, parseSpecTree(text, file)));
  try {
    return compileJobFile(spec);
  } catch (e) {
    // What the reader does not check itself, `defineJob` does: its message names the field.
    throw jobFileError(file, thrownMessage(e), undefined, e);
  }
}
