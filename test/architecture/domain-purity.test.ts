import { resolve } from 'node:path';
import { domainViolations, portViolations, readSource, tsFiles } from './import-rules';

const root = resolve(__dirname, '..', '..');

describe('layer rules', () => {
  it('keeps src/domain free of I/O, drivers and frameworks', () => {
    const files = tsFiles(resolve(root, 'src/domain'));
    expect(files.length).toBeGreaterThan(10);
    const violations = files.flatMap((f) => domainViolations(f, readSource(f), root));
    expect(violations).toEqual([]);
  });

  it('keeps src/ports to interfaces and tokens', () => {
    const violations = tsFiles(resolve(root, 'src/ports')).flatMap((f) => portViolations(f, readSource(f), root));
    expect(violations).toEqual([]);
  });

  it('lets only src/composition choose adapters', () => {
    const outside = [
      ...tsFiles(resolve(root, 'src/domain')),
      ...tsFiles(resolve(root, 'src/ports')),
      ...tsFiles(resolve(root, 'src/adapters')),
    ];
    const offenders = outside.filter((f) => /from ['"][./]*\/composition\//.test(readSource(f)));
    expect(offenders).toEqual([]);
  });

  // The rule itself must be able to fail.
  it.each([
    ["import { Kafka } from 'kafkajs';", 'kafkajs'],
    ["import { createPool } from 'mysql2/promise';", 'mysql2/promise'],
    ["import { injectable } from 'inversify';", 'inversify'],
    ["import { readFile } from 'node:fs/promises';", 'node:fs/promises'],
    ["import * as net from 'net';", 'net'],
    ["const fs = require('fs');", 'fs'],
    ["const m = await import('node:http');", 'node:http'],
    ["import { SinkPort } from '../../ports/sink.port';", '../../ports/sink.port'],
    ["import { thing } from '../../adapters/file/row-json';", '../../adapters/file/row-json'],
  ])('flags %s', (line, specifier) => {
    const file = resolve(root, 'src/domain/engine/example.ts');
    expect(domainViolations(file, line, root).map((v) => v.specifier)).toEqual([specifier]);
  });

  it('flags wall-clock and console use in the domain', () => {
    const file = resolve(root, 'src/domain/engine/example.ts');
    expect(domainViolations(file, 'const t = Date.now();', root)).toHaveLength(1);
    expect(domainViolations(file, 'console.log(1);', root)).toHaveLength(1);
  });

  it('accepts type-only port imports and domain imports', () => {
    const file = resolve(root, 'src/domain/pipeline/example.ts');
    const ok = "import type { SinkPort } from '../../ports/sink.port';\nimport { md5Hex } from '../hashing/md5';";
    expect(domainViolations(file, ok, root)).toEqual([]);
  });
});
