import type { FlashEnding } from '../../../electron/contract/api';
import type { MessageKey } from '../i18n/keys';
import { useT } from '../i18n/use-t';
import { useWizard } from '../store';
import { PHASES } from '../store/flash';

/** "Stick 2 of 3 verified", by how the stick's flash ended. */
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
 * The flash's live region (WAI-ARIA role=status, polite, atomic): screen readers hear the phase
 * as it starts, each stick as it ends ("Stick 2 of 3 verified") and the job's outcome, without
 * the meters' every percent.
 */
export function FlashAnnouncer() {
  const t = useT();
  const results = useWizard((s) => s.results);
  const total = useWizard((s) => s.flashDrives.length);
  const phase = useWizard((s) => s.currentPhase);
  const finished = useWizard((s) => s.finished);
  const parts: string[] = [];
  const last = results[results.length - 1];
  if (last) parts.push(t(STICK_ENDED[last.ending], { n: results.length, total }));
  else if (phase && !finished) {
    const label = PHASES.find((p) => p.id === phase)?.label;
    if (label) parts.push(t('announce.phase', { phase: t(label) }));
  }
  if (finished) {
    const good = results.filter((r) => r.ok).length;
    parts.push(finished.cancelled ? t('announce.endCancelled') : t('announce.end', { count: total, ok: good }));
  }
  return (
    <p className="muted small announce" role="status" aria-live="polite" aria-atomic="true" data-testid="flash-announcer">
      {parts.join(' ')}
    </p>
  );
}
