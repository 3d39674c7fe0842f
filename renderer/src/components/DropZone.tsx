import { useRef, useState, type DragEvent } from 'react';
import { useT } from '../i18n/use-t';

/**
 * A drop zone that is also a button: drop a file on it, or activate it (click, Enter, Space) to
 * browse. `onBrowse` replaces the file input (the native dialog in Electron).
 */
export function DropZone(props: {
  label: string;
  hint: string;
  accept: string;
  onFile(file: File): void;
  onBrowse?: () => void;
  busy?: boolean;
}) {
  const t = useT();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const browse = () => (props.onBrowse ? props.onBrowse() : input.current?.click());
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) props.onFile(file);
  };
  return (
    <>
      <button
        type="button"
        className={`dropzone${over ? ' over' : ''}`}
        onClick={browse}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        aria-busy={props.busy || undefined}
      >
        <span className="big-icon" aria-hidden="true">
          ⇪
        </span>
        {/* the name is the visible text (WCAG 2.5.3 Label in Name) */}
        <strong>{props.label}</strong> <span className="muted">{props.hint}</span>
      </button>
      <input
        ref={input}
        type="file"
        accept={props.accept}
        className="visually-hidden"
        tabIndex={-1}
        aria-label={t('common.fileInput', { label: props.label })}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) props.onFile(file);
          e.currentTarget.value = '';
        }}
      />
    </>
  );
}
