import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/** A command's flags as the doc lists them, and what is wrong with the doc's structure. */
export interface DocumentedFlags {
  readonly flags: ReadonlyMap<string, ReadonlySet<string>>;
  readonly problems: readonly string[];
}

const FLAG_ROW = /^\|\s*`--([a-z0-9-]+)`\s*\|/;

/**
 * Reads the flag tables of docs/command-line.md: under `## Flags`, each `### a, b: title` section
 * holds the flags of the commands named before its colon, one table row per flag, the flag in the
 * first cell and its variable (`HEXSTREAM_<FLAG>`) in the third.
 */
export function documentedFlags(markdown: string, commands: readonly string[]): DocumentedFlags {
  const flags = new Map<string, Set<string>>(commands.map((c) => [c, new Set<string>()]));
  const problems: string[] = [];
  let inFlags = false;
  let current: readonly string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      inFlags = line.trim() === '## Flags';
      current = [];
    } else if (inFlags && line.startsWith('### ')) {
      const names = (line.slice(4).split(':')[0] ?? '').split(/,\s*|\s+and\s+/).map((n) => n.trim());
      const unknown = names.filter((n) => !commands.includes(n));
      if (unknown.length > 0) problems.push(`section "${line.trim()}" names no command ${unknown.join(', ')}`);
      current = names.filter((n) => commands.includes(n));
    } else if (inFlags) {
      const flag = FLAG_ROW.exec(line)?.[1];
      if (flag === undefined) continue;
      const variable = line.split('|')[3]?.trim();
      const expected = `\`HEXSTREAM_${flag.toUpperCase().replace(/-/g, '_')}\``;
      if (variable !== expected)
        problems.push(`--${flag}: variable column says ${variable ?? 'nothing'}, not ${expected}`);
      if (current.length === 0) problems.push(`--${flag} is listed outside a command's section`);
      for (const command of current) {
        const set = flags.get(command);
        if (set?.has(flag) === true) problems.push(`${command}: --${flag} is listed twice`);
        set?.add(flag);
      }
    }
  }
  return { flags, problems };
}

/** What differs between the flags a doc lists and the flags the CLI has, per command, in words. */
export function flagDifferences(
  documented: ReadonlyMap<string, ReadonlySet<string>>,
  cli: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const out: string[] = [];
  for (const [command, has] of cli) {
    const listed = documented.get(command) ?? new Set<string>();
    for (const flag of has)
      if (!listed.has(flag)) out.push(`${command}: the CLI has --${flag}, which docs/command-line.md does not list`);
    for (const flag of listed)
      if (!has.has(flag)) out.push(`${command}: docs/command-line.md lists --${flag}, which the CLI does not have`);
  }
  return out;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

/**
 * Links of a markdown file (outside code) whose target file or heading does not exist, in words.
 * External links (`scheme:`) are not followed.
 */
export function brokenLinks(file: string, root: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(LINK)) {
      const target = m[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      const at = path === '' ? file : resolve(dirname(file), path);
      const name = relative(root, at);
      if (!existsSync(at)) {
        out.push(`${relative(root, file)}: link to ${target}: no file ${name}`);
        continue;
      }
      if (anchor !== undefined && at.endsWith('.md') && !headingAnchors(readFileSync(at, 'utf8')).has(anchor))
        out.push(`${relative(root, file)}: link to ${target}: ${name} has no heading #${anchor}`);
    }
  }
  return out;
}

/** The scripts a markdown text runs with `npm run <script>`, code included (commands are written as code). */
export function npmScriptsNamed(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1] ?? ''));
}

const REPO_PATH = /`((?:src|test|bench|scripts|samples|docs|\.ci)\/[^`\s*<>…]+)`/g;

/** Repository paths a markdown text names in code spans (`src/…`, `test/…`, …) that do not exist. */
export function missingPaths(markdown: string, root: string): string[] {
  const named = new Set([...markdown.matchAll(REPO_PATH)].map((m) => m[1] ?? ''));
  return [...named].filter((p) => !existsSync(resolve(root, p)));
}
