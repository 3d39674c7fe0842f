import type { FlashEnding } from '../../../electron/contract/api';
import type { MessageKey } from '../i18n/keys';
import { useT } from '../i18n/use-t';
import { useWizard } from '../store';
import { PHASES } from '../store/flash';

/** "Stick 2 of 3 verified.", by how the stick's flash ended. */
const STICK_ENDED: Record<FlashEnding, MessageKey> = {
  verified: 'announce.verified',
  written: 'announce.written',
  failed: 'announce.failed',
  'not-written': 'announce.notWritten',
  'cancelled-before-write': 'announce.cancelled',
  'cancelled-wiped': 'announce.cancelled',
  'cancelled-partial': 'announce.cancelled',
  'cancelled-unverified': 'announce.cancelled',
};

/**
 * The flash's live region for screen readers (WAI-ARIA role=status, polite, additions only): one
 * line is added as each phase starts, as each stick ends ("Stick 2 of 3 verified.") and when the
 * job ends, so each is announced once and none is lost when two arrive together. The meters'
 * every percent is left out. Sighted users read the same in the phases and results.
 */
export function FlashAnnouncer() {
  const t = useT();
  const results = useWizard((s) => s.results);
  const total = useWizard((s) => s.flashDrives.length);
  const progress = useWizard((s) => s.progress);
  const reached = PHASES.filter((p) => Object.keys(progress).some((k) => k === p.id || k.startsWith(`${p.id}:`)));
  const finished = useWizard((s) => s.finished);
  const lines: { id: string; text: string }[] = [
    ...reached.map((p) => ({ id: `phase-${p.id}`, text: t('announce.phase', { phase: t(p.label) }) })),
    ...results.map((r, i) => ({ id: `stick-${r.driveId}`, text: t(STICK_ENDED[r.ending], { n: i + 1, total }) })),
  ];
  if (finished) {
    const ok = results.filter((r) => r.ok).length;
    lines.push({ id: 'end', text: finished.cancelled ? t('announce.endCancelled') : t('announce.end', { count: total, ok }) });
  }
  return (
    <div
      className="visually-hidden"
      role="status"
      aria-live="polite"
      aria-atomic="false"
      aria-relevant="additions"
      data-testid="flash-announcer"
    >
      {lines.map((l) => (
        <p key={l.id}>{l.text}</p>
      ))}
    </div>
  );
}
