import { useWizard } from '../store';
import { fleetRows } from '../store/fleet';
import { DropZone } from './DropZone';
import { ErrorNotice } from './ErrorNotice';
import { useT } from '../i18n/use-t';

/**
 * The Config step's optional fleet manifest (CSV or YAML, one machine per row): checked by the
 * core's parser (every problem with its line), summarized by its row count and the columns its
 * rows use; the Target step then gives each ticked stick a row.
 */
export function FleetManifest() {
  const t = useT();
  const fleet = useWizard((s) => s.fleet);
  const busy = useWizard((s) => s.fleetBusy);
  const error = useWizard((s) => s.fleetError);
  const electron = useWizard((s) => s.shell === 'electron');
  const load = useWizard((s) => s.loadFleetFile);
  const browse = useWizard((s) => s.browseFleet);
  const clear = useWizard((s) => s.clearFleet);
  const rows = useWizard((s) => fleetRows(s));
  return (
    <section className="card" aria-labelledby="fleet-title">
      <h3 id="fleet-title">
        {t('fleet.title')} <span className="muted small">{t('fleet.optional')}</span>
      </h3>
      <p className="muted small">{t('fleet.intro')}</p>
      <DropZone
        label={fleet ? t('fleet.replace') : t('fleet.drop')}
        hint={t('fleet.dropHint')}
        accept=".csv,.yaml,.yml"
        busy={busy}
        onFile={(f) => void load(f)}
        onBrowse={electron ? () => void browse() : undefined}
      />
      {busy && (
        <p role="status" className="muted">
          {t('fleet.checking')}
        </p>
      )}
      {error && <ErrorNotice title={t('fleet.loadFailed')} error={error} />}
      {fleet?.fleet && (
        <div className="notice info" role="status" aria-label={t('fleet.summaryLabel')}>
          <strong>{t('fleet.summary', { name: fleet.name, count: rows.length })}</strong>
          <span className="small">{t('fleet.columns', { columns: fleet.fleet.columns.join(', ') })}</span>
          <div className="row">
            <button type="button" className="btn" onClick={() => void clear()}>
              {t('fleet.remove')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
