/**
 * The docs point to each other instead of repeating (one home per fact), so every link must land: the file
 * exists and, with a `#fragment`, the heading (GitHub's slug) or the `id` anchor (API.md) does too.
 * Links of packages/cli/README.md are absolute (it is the CLI's npm page) and are mapped back to this repository.
 */
import { existsSync, readdirSync } from 'fs';
import { dirname, join, relative } from 'path';
import { readDoc, REPO } from './markdown';

const REPO_URL = 'https://github.com/cdk-cognito-user-import/cdk-cognito-user-import/blob/main/';
const DOCS = ['README.md', 'packages/cli/README.md', ...readdirSync(join(REPO, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) => heading.replace(/<[^>]*>/g, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');

function anchors(file: string): Set<string> {
  const text = readDoc(file);
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const h = line.match(/^#{1,6} (.*)$/);
    if (h) out.add(slug(h[1]));
  }
  for (const m of text.matchAll(/\bid="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/** Links of a Markdown file that point into this repository: `[text](target)`, outside code blocks. */
function localLinks(file: string): string[] {
  const text = readDoc(file).replace(/```[\s\S]*?```/g, '');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  return targets.flatMap((t) => {
    if (t.startsWith(REPO_URL)) return [relative(dirname(join(REPO, file)), join(REPO, t.slice(REPO_URL.length))) || '.'];
    if (/^[a-z]+:/i.test(t)) return [];
    return [t];
  });
}

test.each(DOCS)('every link of %s lands', (file) => {
  const broken: string[] = [];
  for (const link of localLinks(file)) {
    const [path, fragment] = link.split('#');
    const target = path ? relative(REPO, join(REPO, dirname(file), path)) : file;
    if (!existsSync(join(REPO, target))) { broken.push(`${link} (no file ${target})`); continue; }
    if (fragment && target.endsWith('.md') && !anchors(target).has(fragment)) broken.push(`${link} (no anchor #${fragment} in ${target})`);
  }
  expect(broken).toEqual([]);
});
