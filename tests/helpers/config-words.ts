import { expect } from 'vitest';
import { validateIgnition } from '../../electron/core/ignition/validate';
import type { ConfigIssue } from '../../electron/core/ignition/types';
import { configIssueText } from '../../renderer/src/config-words';
import { applyLanguage, LANGUAGES, MISSING } from '../../renderer/src/i18n';

/** Every finding (errors, then warnings) the real validator reports for `config` (JSON text as it is). */
export async function findings(config: unknown): Promise<ConfigIssue[]> {
  const r = await validateIgnition(new TextEncoder().encode(typeof config === 'string' ? config : JSON.stringify(config)));
  return [...r.errors, ...r.warnings];
}

/**
 * The renderer words `issue` in every language (renderer/src/config-words.ts configIssueText): no
 * missing catalogue key, no unfilled placeholder, each of `names` in the sentence, and outside
 * English a sentence other than the English one. Leaves the language at English.
 */
export async function expectWordedEverywhere(issue: ConfigIssue, names: string[]): Promise<void> {
  await applyLanguage('en');
  const english = configIssueText(issue);
  for (const { id } of LANGUAGES) {
    await applyLanguage(id);
    const text = configIssueText(issue);
    expect(text, id).not.toContain(MISSING);
    expect(text, id).not.toMatch(/\{\{|\}\}/);
    for (const n of names) expect(text, id).toContain(n);
    if (id !== 'en') expect(text, id).not.toBe(english);
  }
  await applyLanguage('en');
}
