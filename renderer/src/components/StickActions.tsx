import { useEffect, useRef } from 'react';
import type { DriveInfo, StickInfo } from '../../../electron/contract/api';
import { formatDriveSize } from '../format';
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
  const request = useWizard((s) => s.requestStickAction);
  const busy = useWizard((s) => s.stickJob?.status === 'running' || s.flashStatus === 'running');
  return (
    <button type="button" className="btn" disabled={busy} onClick={() => request('refresh', [props.drive.id])}>
      Update to {props.info.latest} ({props.info.customized ? 'keeps its config' : 'no config to keep'})
    </button>
  );
}

/** What the drive list shows about a stick: its release, and how it compares with its stream. */
export function StickRelease(props: { info?: StickInfo }) {
  const i = props.info;
  if (!i?.live) return null;
  const name = i.release?.version ?? i.release?.volumeId ?? 'unknown release';
  return (
    <>
      <span className="badge" title={i.release?.volumeId}>
        CoreOS {name}
        {i.release?.stream ? ` · ${i.release.stream}` : ''}
      </span>
      {i.status === 'current' && <span className="badge ok">Up to date</span>}
      {i.status === 'newer' && <span className="badge">Newer than {i.latest}</span>}
      {i.status === 'update' && <span className="badge warn">{i.latest} available</span>}
    </>
  );
}

/** The selected drives' actions besides writing: update the outdated live sticks, restore drives. */
export function StickActions() {
  const s = useWizard((x) => x);
  const selected = selectedDrives(s);
  const outdated = outdatedSticks(selected, s.stickInfo);
  const busy = s.stickJob?.status === 'running' || s.flashStatus === 'running';
  if (selected.length === 0 && !s.stickJob) return null;
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  return (
    <>
      {selected.length > 0 && (
        <div className="row" aria-label="Stick actions" role="group">
          <span className="grow muted small">Besides writing an image:</span>
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
            {outdated.length > 0 ? `Update ${n(outdated.length, 'stick')} (keeps config)` : 'No stick to update'}
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
            Restore {selected.length === 1 ? 'stick' : n(selected.length, 'stick')}
          </button>
        </div>
      )}
      {s.stickJob && <StickJobDialog job={s.stickJob} />}
    </>
  );
}

/** The confirmation, progress and results of a refresh or restore, in one dialog. */
function StickJobDialog({ job }: { job: StickJob }) {
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
  const title =
    job.status === 'confirming'
      ? refresh
        ? `Update ${job.drives.length === 1 ? 'this stick' : `these ${job.drives.length} sticks`}?`
        : `Restore ${job.drives.length === 1 ? 'this drive' : `these ${job.drives.length} drives`} to a normal drive?`
      : job.status === 'running'
        ? refresh
          ? 'Updating…'
          : 'Restoring…'
        : refresh
          ? 'Update finished'
          : 'Restore finished';
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
            <p>
              {refresh
                ? 'Each stick gets the newest release of its stream with the same config, network files and kernel arguments it has now. The stick is rewritten.'
                : 'Everything on them is lost: each gets one partition, FAT32 up to 32 GiB and exFAT above.'}
            </p>
            <ul>
              {job.drives.map((d) => {
                const i = s.stickInfo[d.id];
                return (
                  <li key={d.id}>
                    <strong>{d.device}</strong> — {driveName(d)}, {formatDriveSize(d.size)},{' '}
                    {d.serial ? `serial ${d.serial}` : 'no serial number'}
                    {isLarge(d) ? ' (large drive)' : ''}
                    {refresh && i?.release && `: ${i.release.version ?? i.release.volumeId} → ${i.latest ?? 'newest'}`}
                    {refresh && short(i?.configSha256) && `, config ${short(i?.configSha256)}… kept`}
                    {!refresh && `: ${fsName(d)}`}
                  </li>
                );
              })}
            </ul>
            {!refresh && (
              <label className="field">
                <span>Label</span>
                <input value={s.restoreLabel} maxLength={11} onChange={(e) => s.setRestoreLabel(e.currentTarget.value)} />
              </label>
            )}
            {large.length > 0 && (
              <label className="check">
                <input type="checkbox" checked={s.stickConfirmLarge} onChange={(e) => s.setStickConfirmLarge(e.currentTarget.checked)} />
                <span>
                  Yes, {large.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', ')} {large.length > 1 ? 'are' : 'is'} larger
                  than a USB stick usually is, and I still want to erase {large.length > 1 ? 'them' : 'it'}.
                </span>
              </label>
            )}
          </>
        )}
        {job.status === 'running' && (
          <Meter
            label={refresh ? 'Update progress' : 'Restore progress'}
            bytes={p?.bytes ?? 0}
            total={p?.total}
            legend={p ? `${p.step ?? p.phase}${p.percent !== undefined ? ` · ${p.percent}%` : ''}` : 'Starting…'}
          />
        )}
        {job.status === 'done' && <StickJobResults job={job} />}
        <div className="actions">
          {job.status === 'confirming' && (
            <>
              <button ref={cancelRef} type="button" className="btn" onClick={s.closeStickJob}>
                Cancel
              </button>
              <button
                type="button"
                className="btn primary"
                disabled={large.length > 0 && !s.stickConfirmLarge}
                onClick={() => void s.startStickAction()}
              >
                {refresh ? 'Update' : 'Erase and restore'}
              </button>
            </>
          )}
          {job.status === 'running' && refresh && (
            <button ref={cancelRef} type="button" className="btn" disabled={!job.jobId} onClick={() => void s.cancelStickAction()}>
              Cancel update
            </button>
          )}
          {job.status === 'done' && (
            <button ref={cancelRef} type="button" className="btn primary" onClick={s.closeStickJob}>
              Close
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

/** One line per stick: "38.x -> 44.x, config sha256 kept", "FAT32 "USBSTICK" on /dev/sdb1", or why not. */
function StickJobResults({ job }: { job: StickJob }) {
  return (
    <>
      {job.error && (
        <ErrorNotice title={job.kind === 'refresh' ? 'The update did not start' : 'The restore did not run'} error={job.error} />
      )}
      <ul className="results" aria-label="Results">
        {job.refreshResults.map((r) => (
          <li key={r.driveId} data-ok={r.ok}>
            <strong>{r.device}</strong>:{' '}
            {r.ending === 'refreshed'
              ? `${r.from ?? 'unknown'} → ${r.to}, ${r.configSha256 === null ? 'no config' : r.configKept ? 'config sha256 kept' : 'config differs!'}`
              : r.ending === 'current'
                ? `already current (${r.to}); nothing written`
                : r.ending === 'newer'
                  ? `${r.from} is newer than the stream's ${r.to}; left alone`
                  : `${r.flashEnding ? endingTitle(r.flashEnding) : 'not written'}${r.error ? ` — ${errorText(r.error)}` : ''}`}
          </li>
        ))}
        {job.restoreResults.map((r) => (
          <li key={r.driveId} data-ok={r.ok}>
            <strong>{r.device}</strong>:{' '}
            {r.ok
              ? `${r.filesystem === 'fat32' ? 'FAT32' : 'exFAT'} "${r.label}"${r.partition ? ` on ${r.partition}` : ''}; ready to use`
              : `${endingTitle(r.ending)}${r.error ? ` — ${errorText(r.error)}` : ''}`}
          </li>
        ))}
      </ul>
    </>
  );
}
