import { formatDriveSize } from '../format';
import { useWizard } from '../store';
import { refusalText } from '../messages';
import { driveName, isLarge, isSelectable, needsTypedName } from '../store/targets';
import { ErrorNotice } from './ErrorNotice';
import { StickActions, StickRelease, UpdateStickButton } from './StickActions';

/**
 * Step 4: the live drive list, the one target rule of every front end: USB sticks and SD cards;
 * internal disks only with "show internal and system disks" (ticked, then their name typed in the
 * confirmation), system disks never selectable; several sticks. A drive the core refuses
 * (system, read-only, too small for the chosen image) says why, with sizes, and cannot be ticked.
 * A drive holding a CoreOS live image shows its release, and when its stream has a newer one,
 * "Update to ..." (StickActions.tsx); selected drives can also be restored.
 */
export function TargetStep() {
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
          {loaded ? `${visible.filter(isSelectable).length} drive(s) available, ${selected.length} selected` : 'Looking for drives…'}
          {hidden > 0 && !showHidden ? ` · ${hidden} internal or system disk${hidden > 1 ? 's' : ''} hidden` : ''}
        </span>
        <label className="check">
          <input type="checkbox" checked={showHidden} onChange={(e) => void setShowHidden(e.currentTarget.checked)} />
          <span>Show internal and system disks</span>
        </label>
        <button type="button" className="btn" onClick={() => void refresh()}>
          Refresh
        </button>
      </div>
      {error && <ErrorNotice title="The drive list could not be read" error={error} />}
      <div className="card">
        {visible.length === 0 ? (
          <p className="empty">{loaded ? 'Plug in a USB stick: it shows up here by itself.' : 'Looking for drives…'}</p>
        ) : (
          <table className="drives">
            <caption className="visually-hidden">Target drives</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Selected</span>
                </th>
                <th scope="col">Drive</th>
                <th scope="col">Size</th>
                <th scope="col">Bus</th>
                <th scope="col">Notes</th>
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
                        aria-label={`Write to ${d.device} ${driveName(d)} ${formatDriveSize(d.size)}`}
                        {...(why ? { 'aria-describedby': `why-${d.id}` } : {})}
                      />
                    </td>
                    <td>
                      <div>{driveName(d)}</div>
                      <div className="mono small muted">
                        {d.device}
                        {d.serial ? ` · serial ${d.serial}` : ''}
                      </div>
                      {why && (
                        <div className="small refusal" id={`why-${d.id}`} data-code={d.refusal?.code}>
                          {why}
                        </div>
                      )}
                    </td>
                    <td>{formatDriveSize(d.size)}</td>
                    <td>{d.bus || '—'}</td>
                    <td>
                      <div className="row">
                        {d.system && <span className="badge err">System drive · never written</span>}
                        {d.internal && !d.system && <span className="badge warn">Internal disk · name asked before writing</span>}
                        {d.readOnly && <span className="badge">Read-only</span>}
                        {d.refusal?.code === 'WRITE_TOO_SMALL' && <span className="badge err">Too small</span>}
                        {!d.system && isLarge(d) && <span className="badge warn">Large drive</span>}
                        {d.removable && !d.system && <span className="badge">Removable</span>}
                        {d.mountpoints.length > 0 && (
                          <span className="badge" title={d.mountpoints.join(', ')}>
                            Mounted
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
            {largePicked.map((d) => `${d.device} (${formatDriveSize(d.size)})`).join(', ')} {largePicked.length > 1 ? 'are' : 'is'} larger
            than a USB stick usually is.
          </strong>
          <span>USB sticks are rarely this big: make sure it is not a backup or data disk. Everything on it is erased.</span>
        </div>
      )}
      <StickActions />
    </>
  );
}
