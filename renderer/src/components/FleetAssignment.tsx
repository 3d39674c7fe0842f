import { formatNumber } from '../format';
import { useWizard } from '../store';
import { fleetAssignment, fleetOverflow, fleetRows, fleetRowsLeft } from '../store/fleet';
import { useT } from '../i18n/use-t';

/**
 * The Target step with a fleet manifest: the starting row of this batch and which ticked stick
 * gets which machine (in the order the sticks were ticked, store/fleet.ts fleetAssignment); more
 * sticks than rows left is refused here and in the Flash step's blockers.
 */
export function FleetAssignment() {
  const t = useT();
  const fleet = useWizard((s) => s.fleet);
  const start = useWizard((s) => s.fleetStart);
  const selectedIds = useWizard((s) => s.selectedIds);
  const written = useWizard((s) => s.fleetWritten);
  const setStart = useWizard((s) => s.setFleetStart);
  const drives = useWizard((s) => s.drives);
  if (!fleet) return null;
  const state = { fleet, fleetStart: start, selectedIds };
  const rows = fleetRows(state);
  const picks = fleetAssignment(state);
  const overflow = fleetOverflow(state);
  const left = fleetRowsLeft(state);
  const done = new Set(written);
  return (
    <section className="card" aria-labelledby="fleet-assign-title">
      <h3 id="fleet-assign-title">{t('fleet.assignTitle', { name: fleet.name })}</h3>
      <div className="row">
        <label className="grow">
          <span>{t('fleet.startRow')}</span>{' '}
          <select name="fleetStart" value={start} onChange={(e) => setStart(Number(e.currentTarget.value))}>
            {rows.map((r) => (
              <option key={r.row} value={r.row}>
                {t(done.has(r.row) ? 'fleet.rowOptionWritten' : 'fleet.rowOption', { row: r.row, name: r.name })}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" role="status">
          {t('fleet.rowsLeft', { count: left, written: formatNumber(written.length) })}
        </span>
      </div>
      <p className="muted small">{t('fleet.rule')}</p>
      {overflow > 0 && (
        <div className="notice err" role="alert" data-code="FLEET_TOO_MANY_STICKS">
          <strong>{t('fleet.tooMany', { count: overflow, left })}</strong>
          <span>{t('fleet.tooManyHint')}</span>
        </div>
      )}
      {picks.length === 0 ? (
        <p className="empty">{t('fleet.nonePicked')}</p>
      ) : (
        <table className="fleet-assignment">
          <caption className="visually-hidden">{t('fleet.assignCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fleet.stick')}</th>
              <th scope="col">{t('fleet.row')}</th>
              <th scope="col">{t('fleet.name')}</th>
              <th scope="col">{t('fleet.hostname')}</th>
              <th scope="col">{t('fleet.address')}</th>
            </tr>
          </thead>
          <tbody>
            {picks.map((p) => (
              <tr key={p.driveId} data-row={p.row.row}>
                <td className="mono">{drives.find((d) => d.id === p.driveId)?.device ?? p.driveId}</td>
                <td>{formatNumber(p.row.row)}</td>
                <td>{p.row.name}</td>
                <td>{p.row.hostname ?? '—'}</td>
                <td className="mono">{p.row.address ?? t('fleet.dhcp')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
