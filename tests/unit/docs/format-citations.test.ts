// Format comments cite docs/live-iso-format.md by section; these checks keep every citation pointing
// at a section that exists, and every file the doc names present in the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/paths';

const DOC = 'docs/live-iso-format.md';

/** Tracked files under the source and test trees, read as text. */
function sources(): { file: string; text: string }[] {
  const out = execFileSync('git', ['ls-files', '-z', 'electron', 'native', 'renderer', 'tests'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => /\.(ts|tsx|mjs|cjs|md)$/.test(f) && !f.startsWith('tests/fixtures/'))
    .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

/** Section numbers of the doc's headings: `## 5. Title` is 5, `### 5.1 Title` is 5.1. */
function sections(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)) found.add(m[1]);
  return found;
}

describe(`citations of ${DOC}`, () => {
  const doc = readFileSync(join(ROOT, DOC), 'utf8');
  const known = sections(doc);
  const files = sources();

  it('every cited section exists', () => {
    const broken: string[] = [];
    let count = 0;
    for (const { file, text } of files) {
      for (const m of text.matchAll(/live-iso-format\.md ((?:§\d+(?:\.\d+)*(?:, |\/)?)+)/g)) {
        for (const sec of m[1].matchAll(/§(\d+(?:\.\d+)*)/g)) {
          count++;
          if (!known.has(sec[1])) broken.push(`${file}: §${sec[1]}`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(count).toBeGreaterThan(25);
  });

  it('no comment cites a spec that is not in the repository', () => {
    const stale = files.filter(({ text }) => /\bspec §/.test(text)).map(({ file }) => file);
    expect(stale).toEqual([]);
  });

  it.each([DOC, 'docs/architecture.md'])('every repository path %s names exists', (name) => {
    const text = readFileSync(join(ROOT, name), 'utf8');
    const paths = [...text.matchAll(/`((?:electron|native|renderer|tests|docs)\/[^`\s]*)`/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });
});
