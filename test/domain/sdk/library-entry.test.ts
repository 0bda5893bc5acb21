import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as library from '../../../src/index';

describe('the library entry', () => {
  it('exports the functions docs/job-sdk.md lists, and no others', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/job-sdk.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## What the library exports'));
    const values = section.slice(0, section.indexOf('- the types'));
    const listed = [...values.matchAll(/`(\w+)`/g)].map((m) => m[1]).filter((n) => n !== undefined && n !== 'src');
    expect(Object.keys(library).sort()).toEqual(listed.sort());
  });
});
