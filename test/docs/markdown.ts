/** Reading the parts of a Markdown document the doc-coverage tests check: sections and table rows. */
import { readFileSync } from 'fs';
import { join } from 'path';

export const REPO = join(__dirname, '..', '..');

export function readDoc(relativePath: string): string {
  return readFileSync(join(REPO, relativePath), 'utf8');
}

/** The body of the first heading whose text is `title` (any level), up to the next heading of the same or a higher level; undefined when absent. */
export function section(markdown: string, title: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '').trim() === title);
  if (start < 0) return undefined;
  const level = lines[start].match(/^#+/)![0].length;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}} `).test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Titles of the headings of one level directly under a section (e.g. the `### \`demo\`` under `## Commands`). */
export function subheadings(body: string, level: number): string[] {
  const prefix = `${'#'.repeat(level)} `;
  return body.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
}

/** The first cell of every table row whose first cell is code (`| \`x\` | ...`), without the backticks. */
export function firstCodeCells(markdown: string): string[] {
  const cells: string[] = [];
  for (const line of markdown.split('\n')) {
    const m = line.match(/^\|\s*`([^`]+)`/);
    if (m) cells.push(m[1]);
  }
  return cells;
}
