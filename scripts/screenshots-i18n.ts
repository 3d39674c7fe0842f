/**
 * The translated part of scripts/screenshots.ts: two steps in German (light) and the target step in
 * French in the dark theme (a long translation), each checked for clipped text first
 * (tests/e2e/renderer/a11y-checks.ts): a shot with text cut by its box is refused.
 */
import type { Page } from 'playwright-core';
import { clippedText } from '../tests/e2e/renderer/a11y-checks';
import { dropFile, launchChromium, type Stack } from '../tests/e2e/renderer/harness';
import type { LoopDevice } from '../tests/helpers/loop';

/** Names of the translated screenshots (without .png). */
export const I18N_SHOTS = ['21-de-config', '22-de-options', '23-fr-target-dark'];

type Shot = (page: Page, name: string, full?: boolean) => Promise<void>;

/** Saves `name` after checking that no text on the page is wider than its box. */
async function checkedShot(page: Page, shot: Shot, name: string): Promise<void> {
  const clipped = await clippedText(page);
  if (clipped.length) throw new Error(`${name}: clipped text ${JSON.stringify(clipped, null, 2)}`);
  await shot(page, name, true);
}

/** Takes the translated shots with a fresh browser per language (the language follows the browser's). */
export async function i18nShots(stack: Stack, loops: LoopDevice[], config: string, shot: Shot): Promise<void> {
  const de = await launchChromium({ colorScheme: 'light', locale: 'de-DE' });
  try {
    const page = de.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Konfiguration wählen' }).waitFor();
    await dropFile(page, '.dropzone', 'live.ign', config);
    await page.getByText(/Gültig · Ignition/).waitFor();
    await page.getByRole('textbox', { name: /Hostname/ }).fill('pumpwerk-7');
    await page.getByRole('combobox', { name: /Zeitzone/ }).fill('Europe/Berlin');
    await page.getByRole('textbox', { name: /Hostname/ }).focus();
    await page.getByText('Wird angewendet').waitFor();
    await checkedShot(page, shot, '21-de-config');
    await page.getByRole('button', { name: /Schritt 2: Image/ }).click();
    await page.getByRole('button', { name: /Image aus dem Cache verwenden|Herunterladen und prüfen/ }).click();
    await page.getByLabel('Gewähltes Image').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: /Weiter: Optionen/ }).click();
    await page.getByRole('checkbox', { name: /Aus dem RAM ausführen/ }).check();
    await page.getByRole('textbox', { name: /Zusätzliche Kernel-Argumente/ }).fill('console=ttyS0,115200n8');
    await page.getByRole('button', { name: 'Prüfen', exact: true }).click();
    await page.getByText('1 Argument in Ordnung').waitFor();
    await page.getByText('Erweitert').click();
    await checkedShot(page, shot, '22-de-options');
  } finally {
    await de.close();
  }
  const fr = await launchChromium({ colorScheme: 'dark', locale: 'fr-FR' });
  try {
    const page = fr.page;
    await page.goto(stack.url);
    await page.getByRole('heading', { name: 'Choisir une configuration' }).waitFor();
    await page.getByRole('button', { name: /Étape 4 : Cible/ }).click();
    for (const l of loops) await page.getByRole('checkbox', { name: new RegExp(`^Écrire sur ${l.device} `) }).check({ timeout: 15_000 });
    await page.getByRole('checkbox', { name: 'Afficher les disques internes et système' }).check();
    await page.waitForTimeout(600);
    await checkedShot(page, shot, '23-fr-target-dark');
  } finally {
    await fr.close();
  }
}
