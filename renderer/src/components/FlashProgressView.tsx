import type { FlashPhase } from '../../../electron/contract/api';
import { useWizard } from '../store';
import { PHASES, phaseIndex } from '../store/flash';
import { stepText } from '../messages';
import { Meter } from './Meter';
import { useT } from '../i18n/use-t';

/** The four phases with percent, speed and ETA; stick phases show one meter per drive. */
export function FlashProgressView() {
  const t = useT();
  const progress = useWizard((s) => s.progress);
  const current = useWizard((s) => s.currentPhase);
  const status = useWizard((s) => s.flashStatus);
  const finished = useWizard((s) => s.finished);
  const drives = useWizard((s) => s.flashDrives);
  const batch = useWizard((s) => s.fleetBatch);
  const results = useWizard((s) => s.results);
  const failedIds = new Set(results.filter((r) => !r.ok).map((r) => r.driveId));
  const imageOrigin = useWizard((s) => s.image?.origin);
  const curIdx = current ? phaseIndex(current) : -1;
  const stateOf = (p: FlashPhase): string => {
    const i = phaseIndex(p);
    // a job where some sticks made it is "done" phase by phase; each stick's result tells the rest
    if (finished?.ok || i < curIdx || (finished && !finished.cancelled && results.some((r) => r.ok))) return 'done';
    if (i < 2 && curIdx >= 2) return 'done';
    if (i === curIdx) return finished ? (finished.cancelled ? 'cancelled' : 'failed') : 'active';
    // an ended job never leaves a phase "waiting": it was not reached
    if (finished) return 'skipped';
    return '';
  };
  const label = (st: string): string =>
    t(
      (
        {
          done: 'flash.phase.done',
          active: status === 'done' ? 'flash.phase.stopped' : 'flash.phase.active',
          failed: 'flash.phase.failed',
          cancelled: 'flash.phase.cancelled',
          skipped: 'flash.phase.skipped',
        } as const
      )[st] ?? 'flash.phase.waiting',
    );
  return (
    <ol className="phases" aria-label={t('flash.progress')}>
      {PHASES.map((ph) => {
        const st = stateOf(ph.id);
        const stick = ph.id === 'write' || ph.id === 'verify-stick';
        const image = progress[ph.id];
        return (
          <li key={ph.id} className={`phase ${st}`}>
            <span className="dot" aria-hidden="true" />
            <div className="grow">
              <div className="row">
                <strong className="grow">{t(ph.label)}</strong>
                <span className="muted small">{label(st)}</span>
              </div>
              {!stick && image && st === 'active' && (
                <Meter label={t(ph.label)} bytes={image.bytes} total={image.total} speed={image.speed} eta={image.eta} live />
              )}
              {!stick && !image && st === 'done' && ph.id === 'download' && imageOrigin !== 'download' && (
                <span className="muted small">{t('flash.alreadyHere')}</span>
              )}
              {stick &&
                (st === 'active' || st === 'done' || st === 'failed' || st === 'cancelled') &&
                drives.map(({ id }) => {
                  const p = progress[`${ph.id}:${id}`];
                  if (!p) return null;
                  const d = drives.find((x) => x.id === id);
                  return (
                    <div key={id}>
                      <span className="mono small">{d?.device ?? p.driveId}</span>
                      {batch[id] && <span className="small"> {t('fleet.progressRow', { row: batch[id].row, name: batch[id].name })}</span>}
                      {st === 'active' && stepText(p.step) && <span className="muted small"> {stepText(p.step)}</span>}
                      <Meter
                        label={`${t(ph.label)} ${d?.device ?? id}`}
                        bytes={st === 'done' && p.total && !failedIds.has(id) ? p.total : p.bytes}
                        total={p.total}
                        speed={p.speed}
                        eta={p.eta}
                        live={st === 'active'}
                      />
                    </div>
                  );
                })}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
