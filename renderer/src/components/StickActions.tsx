import { useEffect, useRef } from 'react';
import type { DriveInfo, StickInfo } from '../../../electron/contract/api';
import { formatDriveSize, formatPercent } from '../format';
import { useT } from '../i18n/use-t';
import { endingTitle, errorText } from '../messages';
import { useWizard } from '../store';
import { outdatedSticks, type StickJob } from '../store/sticks';
import { driveName, isLarge, selectedDrives } from '../store/targets';
import { ErrorNotice } from './ErrorNotice';
import { Meter } from './Meter';

/** Restored sticks get FAT32 up to 32 GiB and exFAT above (electron/core/write/restore/plan.ts). */
const FAT32_MAX = 32 * 1024 ** 3;
const fsName = (d: DriveInfo) => (d.size <= FAT32_MAX ? 'FAT32' : 'exFAT');
const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 12) : null);

/** "Update to 44.x (keeps its config)" for one stick, shown in its row of the drive list. */
export function UpdateStickButton(props: { drive: DriveInfo; info: StickInfo }) {
  const t = useT();
  const request = useWizard((s) => s.requestStickAction);
  const busy = useWizard((s) => s.stickJob?.status === 'running' || s.flashStatus === 'running');
  return (
    <button type="button" className="btn" disabled={busy} onClick={() => request('refresh', [props.drive.id])}>
      {t(props.info.customized ? 'sticks.updateKeeps' : 'sticks.updateNoConfig', { latest: props.info.latest })}
    </button>
  );
}

/** What the drive list shows about a stick: its release, and how it compares with its stream. */
export function StickRelease(props: { info?: StickInfo }) {
  const t = useT();
  const i = props.info;
  if (!i?.live) return null;
  const name = i.release?.version ?? i.release?.volumeId ?? t('sticks.unknownRelease');
  return (
    <>
      <span className="badge" title={i.release?.volumeId}>
        CoreOS {name}
        {i.release?.stream ? ` · ${i.release.stream}` : ''}
      </span>
      {i.status === 'current' && <span className="badge ok">{t('sticks.upToDate')}</span>}
      {i.status === 'newer' && <span className="badge">{t('sticks.newerThan', { latest: i.latest })}</span>}
      {i.status === 'update' && <span className="badge warn">{t('sticks.available', { latest: i.latest })}</span>}
    </>
  );
}

/** The selected drives' actions besides writing: update the outdated live sticks, restore drives. */
export function StickActions() {
  const t = useT();
  const s = useWizard((x) => x);
  const selected = selectedDrives(s);
  const outdated = outdatedSticks(selected, s.stickInfo);
  const busy = s.stickJob?.status === 'running' || s.flashStatus === 'running';
  if (selected.length === 0 && !s.stickJob) return null;
  return (
    <>
      {selected.length > 0 && (
        <div className="row" aria-label={t('sticks.actions')} role="group">
          <span className="grow muted small">{t('sticks.besides')}</span>
          <button
            type="button"
            className="btn"
            disabled={busy || outdated.length === 0}
            onClick={() =>
              s.requestStickAction(
                'refresh',
                outdated.map((d) => d.id),
              )
            }
          >
            {outdated.length > 0 ? t('sticks.updateMany', { count: outdated.length }) : t('sticks.noneToUpdate')}
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy}
            onClick={() =>
              s.requestStickAction(
                'restore',
                selected.map((d) => d.id),
              )
            }
          >
            {t('sticks.restoreMany', { count: selected.length })}
          </button>
        </div>
      )}
      {s.stickJob && <StickJobDialog job={s.stickJob} />}
    </>
  );
}

/** The confirmation, progress and results of a refresh or restore, in one dialog. */
function StickJobDialog({ job }: { job: StickJob }) {
  const t = useT();
  const s = useWizard((x) => x);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  const large = job.drives.filter(isLarge);
  const refresh = job.kind === 'refresh';
  const n = job.drives.length;
  const title =
    job.status === 'confirming'
      ? refresh
        ? t('sticks.confirmUpdate', { count: n })
        : t('sticks.confirmRestore', { count: n })
      : job.status === 'running'
        ? refresh
          ? t('sticks.updating')
          : t('sticks.restoring')
        : refresh
          ? t('sticks.updateDone')
          : t('sticks.restoreDone');
  const p = job.progress;
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="stick-job-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') s.closeStickJob();
        }}
      >
        <h2 id="stick-job-title">{title}</h2>
        {job.status === 'confirming' && (
          <>
            <p>{refresh ? t('sticks.updateExplain') : t('sticks.restoreExplain')}</p>
            <ul>
              {job.drives.map((d) => {
                const i = s.stickInfo[d.id];
                return (
                  <li key={d.id}>
                    <strong>{d.device}</strong> —{' '}
                    {t(isLarge(d) ? 'confirm.driveLarge' : 'confirm.drive', {
                      name: driveName(d),
                      size: formatDriveSize(d.size),
                      serial: d.serial ? t('confirm.serial', { serial: d.serial }) : t('confirm.noSerial'),
                    })}
                    {refresh && i?.release && `: ${i.release.version ?? i.release.volumeId} → ${i.latest ?? t('sticks.newest')}`}
                    {refresh && short(i?.configSha256) && t('sticks.configKept', { sha: short(i?.configSha256) })}
                    {!refresh && `: ${fsName(d)}`}
                  </li>
                );
              })}
            </ul>
            {!refresh && (
              <label className="field">
                <span>{t('sticks.label')}</span>
                <input value={s.restoreLabel} maxLength={11} onChange={(e) => s.setRestoreLabel(e.currentTarget.value)} />
              </label>
            )}
            {large.length > 0 && (
              <label className="check">
                <input type="checkbox" checked={s.stickConfirmLarge} onChange={(e) => s.setStickConfirmLarge(e.currentTarget.checked)} />
                <span>
                  {t('confirm.large', {
                    count: large.length,
                    drives: large.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', '),
                  })}
                </span>
              </label>
            )}
          </>
        )}
        {job.status === 'running' && (
          <Meter
            label={refresh ? t('sticks.updateProgress') : t('sticks.restoreProgress')}
            bytes={p?.bytes ?? 0}
            total={p?.total}
            legend={p ? `${p.step ?? p.phase}${p.percent !== undefined ? ` · ${formatPercent(p.percent)}` : ''}` : t('sticks.starting')}
          />
        )}
        {job.status === 'done' && <StickJobResults job={job} />}
        <div className="actions">
          {job.status === 'confirming' && (
            <>
              <button ref={cancelRef} type="button" className="btn" onClick={s.closeStickJob}>
                {t('confirm.cancel')}
              </button>
              <button
                type="button"
                className="btn primary"
                disabled={large.length > 0 && !s.stickConfirmLarge}
                onClick={() => void s.startStickAction()}
              >
                {refresh ? t('sticks.update') : t('sticks.eraseRestore')}
              </button>
            </>
          )}
          {job.status === 'running' && refresh && (
            <button ref={cancelRef} type="button" className="btn" disabled={!job.jobId} onClick={() => void s.cancelStickAction()}>
              {t('sticks.cancelUpdate')}
            </button>
          )}
          {job.status === 'done' && (
            <button ref={cancelRef} type="button" className="btn primary" onClick={s.closeStickJob}>
              {t('local.close')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

/** One line per stick: "38.x -> 44.x, config sha256 kept", "FAT32 "USBSTICK" on /dev/sdb1", or why not. */
function StickJobResults({ job }: { job: StickJob }) {
  const t = useT();
  const why = (e: Parameters<typeof errorText>[0] | undefined) => (e ? ` — ${errorText(e)}` : '');
  return (
    <>
      {job.error && <ErrorNotice title={job.kind === 'refresh' ? t('sticks.updateFailed') : t('sticks.restoreFailed')} error={job.error} />}
      <ul className="results" aria-label={t('results.label')}>
        {job.refreshResults.map((r) => (
          <li key={r.driveId} data-ok={r.ok}>
            <strong>{r.device}</strong>:{' '}
            {r.ending === 'refreshed'
              ? t(
                  r.configSha256 === null ? 'sticks.refreshedNoConfig' : r.configKept ? 'sticks.refreshedKept' : 'sticks.refreshedDiffers',
                  {
                    from: r.from ?? t('sticks.unknown'),
                    to: r.to,
                  },
                )
              : r.ending === 'current'
                ? t('sticks.alreadyCurrent', { to: r.to })
                : r.ending === 'newer'
                  ? t('sticks.leftNewer', { from: r.from, to: r.to })
                  : `${r.flashEnding ? endingTitle(r.flashEnding) : t('endings.title.notWritten')}${why(r.error)}`}
          </li>
        ))}
        {job.restoreResults.map((r) => (
          <li key={r.driveId} data-ok={r.ok}>
            <strong>{r.device}</strong>:{' '}
            {r.ok
              ? t(r.partition ? 'sticks.restoredOn' : 'sticks.restored', {
                  filesystem: r.filesystem === 'fat32' ? 'FAT32' : 'exFAT',
                  label: r.label,
                  partition: r.partition,
                })
              : `${endingTitle(r.ending)}${why(r.error)}`}
          </li>
        ))}
      </ul>
    </>
  );
}
