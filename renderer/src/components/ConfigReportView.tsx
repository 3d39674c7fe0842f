import type { Issue, LoadedFile } from '../../../electron/contract/api';
import { formatBytes } from '../format';
import { Meter } from './Meter';

function IssueList(props: { items: Issue[] }) {
  return (
    <ul>
      {props.items.map((it, i) => (
        <li key={i} data-code={it.code}>
          {it.path && <code className="path">{it.path}</code>} {it.message}
        </li>
      ))}
    </ul>
  );
}

/** The validation result of a config: errors and live-boot warnings with JSON paths, size, text. */
export function ConfigReportView(props: { file: LoadedFile; capacity?: number }) {
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
            <span className="badge ok">Valid{r.version ? ` · Ignition ${r.version}` : ''}</span>
          ) : (
            <span className="badge err">Invalid</span>
          ))}
      </div>
      {r && !r.ok && (
        <div className="notice err" role="alert">
          <strong>
            {r.errors.length} error{r.errors.length === 1 ? '' : 's'}: this config cannot be used as it is
          </strong>
          <IssueList items={r.errors} />
        </div>
      )}
      {r && r.warnings.length > 0 && (
        <div className="notice warn">
          <strong>
            {r.warnings.length} live-boot warning{r.warnings.length === 1 ? '' : 's'}
          </strong>
          <IssueList items={r.warnings} />
        </div>
      )}
      {r?.ok && r.warnings.length === 0 && (
        <div className="notice ok">
          <strong>No problems found for a live boot.</strong>
        </div>
      )}
      {used !== undefined && (
        <div>
          <h3>Size in the embed area</h3>
          {capacity ? (
            <Meter
              label="Config size against the embed area"
              bytes={used}
              total={capacity}
              over={used > capacity}
              legend={`${formatBytes(used)} compressed of ${formatBytes(capacity)} available`}
            />
          ) : (
            <p className="muted small">{formatBytes(used)} compressed; choose an image to compare with its embed area.</p>
          )}
        </div>
      )}
      <div>
        <h3 id="config-view-title">Config (read-only)</h3>
        <pre className="config-view" tabIndex={0} aria-labelledby="config-view-title">
          {file.text}
        </pre>
      </div>
    </div>
  );
}
