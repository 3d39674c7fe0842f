import { useRef } from 'react';
import type { LoadedFile } from '../../../electron/contract/api';
import { formatBytes } from '../format';
import { useT } from '../i18n/use-t';

/** A list of loaded side files with remove buttons, and an add button (file input or dialog). */
export function FileList(props: {
  label: string;
  files: LoadedFile[];
  accept: string;
  /** Adds a file: from the file input (browser) or, with no file, the native dialog (Electron). */
  onAdd(file?: File): void;
  onRemove(id: string): void;
  useDialog: boolean;
  single?: boolean;
  /** Text of the add button, e.g. "Add a CA certificate…". */
  addLabel: string;
}) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="filelist">
      <ul aria-label={props.label}>
        {props.files.map((f) => (
          <li key={f.id} className="row">
            <span className="mono grow">{f.name}</span>
            <span className="muted small">{formatBytes(f.size)}</span>
            {f.report && !f.report.ok && <span className="badge err">{t('config.invalid')}</span>}
            <button
              type="button"
              className="linkish"
              onClick={() => props.onRemove(f.id)}
              aria-label={t('files.removeLabel', { name: f.name })}
            >
              {t('files.remove')}
            </button>
          </li>
        ))}
      </ul>
      {!(props.single && props.files.length > 0) && (
        <button type="button" className="btn" onClick={() => (props.useDialog ? props.onAdd() : input.current?.click())}>
          {props.addLabel}
        </button>
      )}
      <input
        ref={input}
        type="file"
        accept={props.accept}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={t('common.fileInput', { label: props.label })}
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) props.onAdd(f);
          e.currentTarget.value = '';
        }}
      />
    </div>
  );
}
