import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n/use-t';

/** A modal dialog over the wizard: Escape and the Close button close it; focus stays inside while open. */
export function Modal(props: { title: string; onClose: () => void; children: ReactNode; wide?: boolean; id: string }) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    box.current?.querySelector<HTMLElement>('input, select, textarea, button')?.focus();
    return () => {
      if (before?.isConnected) before.focus();
    };
  }, []);
  return (
    <div className="backdrop">
      <div
        ref={box}
        className={`dialog${props.wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${props.id}-title`}
        data-dialog={props.id}
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose();
          if (e.key === 'Tab' && box.current) {
            const f = [
              ...box.current.querySelectorAll<HTMLElement>('button:not(:disabled), input:not(:disabled), select, textarea, a[href]'),
            ];
            const first = f[0];
            const last = f[f.length - 1];
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last?.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first?.focus();
            }
          }
        }}
      >
        <div className="row">
          <h2 id={`${props.id}-title`} className="grow">
            {props.title}
          </h2>
          <button type="button" className="btn" onClick={props.onClose}>
            {t('modal.close')}
          </button>
        </div>
        {props.children}
      </div>
    </div>
  );
}
