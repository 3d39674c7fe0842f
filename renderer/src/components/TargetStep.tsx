import { formatDriveSize, formatNumber } from '../format';
import { useWizard } from '../store';
import { refusalText } from '../messages';
import { driveName, isLarge, isSelectable, needsTypedName } from '../store/targets';
import { ErrorNotice } from './ErrorNotice';
import { FleetAssignment } from './FleetAssignment';
import { StickActions, StickRelease, UpdateStickButton } from './StickActions';
import { useT } from '../i18n/use-t';

/**
 * Step 4: the live drive list, the one target rule of every front end: USB sticks and SD cards;
 * internal disks only with "show internal and system disks" (ticked, then their name typed in the
 * confirmation), system disks never selectable; several sticks. A drive the core refuses
 * (system, read-only, too small for the chosen image) says why, with sizes, and cannot be ticked.
 * A drive holding a CoreOS live image shows its release, and when its stream has a newer one,
 * "Update to ..." (StickActions.tsx); selected drives can also be restored.
 */
export function TargetStep() {
  const t = useT();
  const drives = useWizard((s) => s.drives);
  const hidden = useWizard((s) => s.hiddenSystemCount);
  const showHidden = useWizard((s) => s.showHidden);
  const selected = useWizard((s) => s.selectedIds);
  const error = useWizard((s) => s.drivesError);
  const loaded = useWizard((s) => s.drivesLoaded);
  const toggle = useWizard((s) => s.toggleDrive);
  const setShowHidden = useWizard((s) => s.setShowHidden);
  const refresh = useWizard((s) => s.refreshDrives);
  const sticks = useWizard((s) => s.stickInfo);
  const visible = drives.filter((d) => showHidden || (!d.system && !d.internal));
  const largePicked = drives.filter((d) => selected.includes(d.id) && isLarge(d));
  return (
    <>
      <div className="row">
        <span className="grow muted" role="status" aria-live="polite">
          {loaded
            ? t('target.available', { count: visible.filter(isSelectable).length, selected: formatNumber(selected.length) })
            : t('target.looking')}
          {hidden > 0 && !showHidden ? ` · ${t('target.hidden', { count: hidden })}` : ''}
        </span>
        <label className="check">
          <input type="checkbox" checked={showHidden} onChange={(e) => void setShowHidden(e.currentTarget.checked)} />
          <span>{t('target.showHidden')}</span>
        </label>
        <button type="button" className="btn" onClick={() => void refresh()}>
          {t('target.refresh')}
        </button>
      </div>
      {error && <ErrorNotice title={t('target.listFailed')} error={error} />}
      <div className="card">
        {visible.length === 0 ? (
          <p className="empty">{loaded ? t('target.plugIn') : t('target.looking')}</p>
        ) : (
          <table className="drives">
            <caption className="visually-hidden">{t('target.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">{t('target.selected')}</span>
                </th>
                <th scope="col">{t('target.drive')}</th>
                <th scope="col">{t('target.size')}</th>
                <th scope="col">{t('target.bus')}</th>
                <th scope="col">{t('target.notes')}</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((d) => {
                const on = selected.includes(d.id);
                const can = isSelectable(d);
                // an internal disk's "type its name" is asked in the confirmation, not shown as a refusal
                const why = needsTypedName(d) ? '' : refusalText(d);
                const stick = sticks[d.id];
                return (
                  <tr key={d.id} className={`${on ? 'selected' : ''}${d.system || d.internal ? ' hidden-drive' : ''}`}>
                    <td>
                      <input
                        type="checkbox"
                        checked={on}
                        disabled={!can}
                        onChange={() => toggle(d.id)}
                        aria-label={t('target.writeTo', { device: d.device, name: driveName(d), size: formatDriveSize(d.size) })}
                        {...(why ? { 'aria-describedby': `why-${d.id}` } : {})}
                      />
                    </td>
                    <td>
                      <div>{driveName(d)}</div>
                      <div className="mono small muted">
                        {d.device}
                        {d.serial ? ` · ${t('confirm.serial', { serial: d.serial })}` : ''}
                      </div>
                      {why && (
                        <div className="small refusal" id={`why-${d.id}`} data-code={d.refusal?.code}>
                          {why}
                        </div>
                      )}
                    </td>
                    <td className="size">{formatDriveSize(d.size)}</td>
                    <td>{d.bus || '—'}</td>
                    <td>
                      <div className="row">
                        {d.system && <span className="badge err">{t('target.system')}</span>}
                        {d.internal && !d.system && <span className="badge warn">{t('target.internal')}</span>}
                        {d.readOnly && <span className="badge">{t('target.readOnly')}</span>}
                        {d.refusal?.code === 'WRITE_TOO_SMALL' && <span className="badge err">{t('target.tooSmall')}</span>}
                        {!d.system && isLarge(d) && <span className="badge warn">{t('target.large')}</span>}
                        {d.removable && !d.system && <span className="badge">{t('target.removable')}</span>}
                        {d.mountpoints.length > 0 && (
                          <span className="badge" title={d.mountpoints.join(', ')}>
                            {t('target.mounted')}
                          </span>
                        )}
                        <StickRelease info={stick} />
                      </div>
                      {stick?.status === 'update' && !d.readOnly && <UpdateStickButton drive={d} info={stick} />}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      {largePicked.length > 0 && (
        <div className="notice warn" role="status">
          <strong>
            {t('target.largeWarning', {
              count: largePicked.length,
              drives: largePicked.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', '),
            })}
          </strong>
          <span>{t('target.largeHint', { count: largePicked.length })}</span>
        </div>
      )}
      <FleetAssignment />
      <StickActions />
    </>
  );
}
