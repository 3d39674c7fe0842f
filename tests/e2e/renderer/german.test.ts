/**
 * The wizard in German and French in headless Debian Chromium over the real bridge and core: a
 * full flash onto a loop device by keyboard alone in German (Tab, Enter, Space; no mouse), and
 * every step in German (light) and French (dark) checked for clipped text: no text element wider
 * than its box. Needs root, losetup and /usr/bin/chromium.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { skipReason } from '../../helpers/requirements';
import { clippedText, type Clipped } from './a11y-checks';
import { CHROMIUM, dropFile } from './harness';
import { rendererSuite } from './suite';

const why = skipReason({ tools: ['losetup'], files: [CHROMIUM], root: true });

const MiB = 1024 * 1024;
const CONFIG = JSON.stringify({
  ignition: { version: '3.4.0' },
  passwd: { users: [{ name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFlintE2eTestKeyOnlyForTests flint@test'] }] },
});

/** Presses Tab (at most 80 times) until the focused control's name matches; never matches the page itself. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      return `${el.getAttribute('aria-label') ?? el.textContent ?? ''} ${(el as HTMLInputElement).labels?.[0]?.textContent ?? ''}`;
    });
    if (name.test(focused)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

describe.skipIf(why)('the wizard in German and French', () => {
  const suite = rendererSuite();

  it('flashes a stick by keyboard alone, in German, with no clipped text on any step', async () => {
    const loops = suite.sticks(64 * MiB);
    const dev = loops[0].device;
    const browser = await suite.launch({ locale: 'de-DE' });
    const page = browser.page;
    const clipped: { step: string; items: Clipped[] }[] = [];
    const fits = async (step: string) => {
      const items = await clippedText(page);
      if (items.length) clipped.push({ step, items });
    };
    const chosen: Promise<import('playwright-core').FileChooser> = new Promise((resolve) => page.once('filechooser', resolve));
    await page.goto(suite.stack.url);
    await page.getByRole('heading', { name: 'Konfiguration wählen' }).waitFor();
    await page.locator('body[data-flint-ready]').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    await fits('Konfiguration');

    await tabTo(page, /Ignition- oder Butane-Konfiguration hier ablegen/);
    await page.keyboard.press('Enter');
    await (await chosen).setFiles({ name: 'live.ign', mimeType: 'application/json', buffer: Buffer.from(CONFIG) });
    await page.getByText('Gültig · Ignition 3.4.0').waitFor();
    await fits('Konfiguration, gültig');
    await tabTo(page, /Weiter: Image/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Image wählen' }).waitFor();
    await tabTo(page, /^stable \d+/);
    await page.keyboard.press('Space');
    await tabTo(page, /Image aus dem Cache verwenden|Herunterladen und prüfen/);
    await page.keyboard.press('Enter');
    await page.getByLabel('Gewähltes Image').getByText('Signatur geprüft').waitFor({ timeout: 60_000 });
    await fits('Image');
    await tabTo(page, /Weiter: Optionen/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Startoptionen' }).waitFor();
    await tabTo(page, /Aus dem RAM ausführen/);
    await page.keyboard.press('Space');
    await page.getByText(/Der Rechner braucht mindestens [\d,]+ GiB RAM\./).waitFor();
    await fits('Optionen');
    await tabTo(page, /Schritt 4: Ziel/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Ziellaufwerke wählen' }).waitFor();
    await tabTo(page, new RegExp(`^Auf ${dev} Loop-Gerät 67,1 MB schreiben`));
    await page.keyboard.press('Space');
    await page.getByText('1 Laufwerk verfügbar, 1 ausgewählt').waitFor();
    await fits('Ziel');
    await tabTo(page, /Weiter: Schreiben/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Schreiben', exact: true }).waitFor();
    await fits('Schreiben, Zusammenfassung');
    await tabTo(page, /^Schreiben $/);
    await page.keyboard.press('Enter');
    // the confirmation takes focus on Abbrechen; Escape closes it, so confirm with Tab + Enter
    const dialog = page.getByRole('alertdialog', { name: 'Dieses Laufwerk löschen?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`${dev} — Loop-Gerät, 67,1 MB, keine Seriennummer`);
    await fits('Bestätigung');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Abbrechen');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Löschen und schreiben');
    await page.keyboard.press('Enter');
    await page.getByText('Alles erledigt').waitFor({ timeout: 120_000 });
    const result = page.getByLabel('Ergebnisse').locator(`[data-device="${dev}"]`);
    expect(await result.textContent()).toContain('Geschrieben und geprüft');
    expect(await result.textContent()).toContain('Jedes Byte wurde zurückgelesen und stimmt überein.');
    expect(await page.getByTestId('flash-announcer').locator('p').allTextContents()).toContain('Stick 1 von 1 geprüft.');
    await page.getByRole('button', { name: /Schritt 5: Schreiben — Fertig \(erledigt\)/ }).waitFor();
    await fits('Schreiben, Ergebnis');
    expect(clipped).toEqual([]);
    expect(browser.errors).toEqual([]);
  }, 240_000);

  it('French in the dark theme: no clipped text on any step of either mode', async () => {
    const loops = suite.sticks(64 * MiB);
    const browser = await suite.launch({ locale: 'fr-FR', colorScheme: 'dark' });
    const page = browser.page;
    const clipped: { step: string; items: Clipped[] }[] = [];
    const fits = async (step: string) => {
      const items = await clippedText(page);
      if (items.length) clipped.push({ step, items });
    };
    await page.goto(suite.stack.url);
    await page.getByRole('heading', { name: 'Choisir une configuration' }).waitFor();
    await page.locator('body[data-flint-ready]').waitFor();
    await dropFile(page, '.dropzone', 'live.ign', CONFIG);
    await page.getByText('Valide · Ignition 3.4.0').waitFor();
    await fits('configuration');
    await page.getByRole('button', { name: /Suivant : Image/ }).click();
    await page.getByRole('button', { name: /Télécharger et vérifier|Utiliser l’image en cache/ }).click();
    await page.getByLabel('Image choisie').waitFor({ timeout: 60_000 });
    await fits('image');
    await page.getByRole('button', { name: /Suivant : Options/ }).click();
    await page.getByText('Avancé').click();
    await fits('options');
    await page.getByRole('button', { name: /Suivant : Cible/ }).click();
    await page.getByRole('checkbox', { name: new RegExp(`^Écrire sur ${loops[0].device} `) }).check();
    await fits('cible');
    await page.getByRole('button', { name: /Suivant : Flasher/ }).click();
    await page.getByRole('button', { name: 'Flasher', exact: true }).click();
    await page.getByRole('alertdialog').waitFor();
    await fits('confirmation');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Annuler' }).click();
    await page.getByRole('radio', { name: 'Démarrage réseau' }).click();
    await page.getByRole('button', { name: /Suivant : Démarrage réseau/ }).click();
    await page.getByRole('textbox', { name: /URL de base/ }).fill('http://127.0.0.1:8080/');
    await page.getByText('Ligne de commande du noyau').waitFor({ timeout: 30_000 });
    await fits('démarrage réseau');
    await page.getByRole('button', { name: /Suivant : Sortie/ }).click();
    await page.getByRole('heading', { name: 'Fichiers générés' }).waitFor({ timeout: 30_000 });
    await fits('sortie');
    expect(clipped).toEqual([]);
    // the check does find text its box cuts (so the empty list above means something)
    await page.evaluate(() => {
      const b = document.querySelector<HTMLElement>('.nav .btn')!;
      Object.assign(b.style, { width: '40px', overflow: 'hidden', whiteSpace: 'nowrap' });
    });
    expect((await clippedText(page)).map((c) => c.text)).toContain('← Retour');
    expect(browser.errors).toEqual([]);
  }, 240_000);
});
