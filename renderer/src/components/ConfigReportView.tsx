import type { Issue, LoadedFile } from '../../../electron/contract/api';
import { formatBytes } from '../format';
import { configIssueText } from '../config-words';
import { Meter } from './Meter';
import { useT } from '../i18n/use-t';

/** Validation issues with their JSON paths, worded in the app's language when the code is catalogued. */
function IssueList(props: { items: Issue[] }) {
  return (
    <ul>
      {props.items.map((it, i) => (
        <li key={i} data-code={it.code}>
          {it.path && <code className="path">{it.path}</code>} {configIssueText(it)}
        </li>
      ))}
    </ul>
  );
}

/** The validation result of a config: errors and live-boot warnings with JSON paths, size, text. */
export function ConfigReportView(props: { file: LoadedFile; capacity?: number }) {
  const t = useT();
  const { file } = props;
  const r = file.report;
  const capacity = r?.capacity ?? props.capacity;
  const used = r?.compressedSize;
  return (
    <div className="card">
      <div className="card-title">
        <h3>
          {file.name} <span className="muted small">({formatBytes(file.size)})</span>
        </h3>
        {r &&
          (r.ok ? (
            <span className="badge ok">{r.version ? t('config.validVersion', { version: r.version }) : t('config.valid')}</span>
          ) : (
            <span className="badge err">{t('config.invalid')}</span>
          ))}
      </div>
      {r && !r.ok && (
        <div className="notice err" role="alert">
          <strong>{t('config.errors', { count: r.errors.length })}</strong>
          <IssueList items={r.errors} />
        </div>
      )}
      {r && r.warnings.length > 0 && (
        <div className="notice warn">
          <strong>{t('config.warnings', { count: r.warnings.length })}</strong>
          <IssueList items={r.warnings} />
        </div>
      )}
      {r?.ok && r.warnings.length === 0 && (
        <div className="notice ok">
          <strong>{t('config.noProblems')}</strong>
        </div>
      )}
      {used !== undefined && (
        <div>
          <h3>{t('config.sizeTitle')}</h3>
          {capacity ? (
            <Meter
              label={t('config.sizeMeter')}
              bytes={used}
              total={capacity}
              over={used > capacity}
              legend={t('config.sizeLegend', { used: formatBytes(used), capacity: formatBytes(capacity) })}
            />
          ) : (
            <p className="muted small">{t('config.sizeNoImage', { used: formatBytes(used) })}</p>
          )}
        </div>
      )}
      <div>
        <h3 id="config-view-title">{t('config.readOnly')}</h3>
        <pre className="config-view" tabIndex={0} aria-labelledby="config-view-title">
          {file.text}
        </pre>
      </div>
    </div>
  );
}
