import { useRef, useState } from 'react';
import { useT } from '../i18n/use-t';

type CopyState = 'idle' | 'copied' | 'manual';

/**
 * A generated file in a read-only code view with a Copy button (navigator.clipboard). When the
 * clipboard is refused, the text is selected and the status says how to copy it by hand.
 */
export function CodeFile(props: { name: string; text: string }) {
  const t = useT();
  const [state, setState] = useState<CopyState>('idle');
  const pre = useRef<HTMLPreElement>(null);
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(props.text);
      setState('copied');
    } catch {
      setState('manual');
      try {
        const sel = window.getSelection();
        if (sel && pre.current) {
          sel.removeAllRanges();
          const range = document.createRange();
          range.selectNodeContents(pre.current);
          sel.addRange(range);
        }
        pre.current?.focus();
      } catch {
        // selecting is a convenience; the status still tells the user what to do
      }
    }
  };
  return (
    <figure className="code-file" data-file={props.name}>
      <figcaption className="row">
        <code className="code-name">{props.name}</code>
        <span className="grow" />
        <span role="status" aria-live="polite" className="muted small">
          {state === 'copied' ? t('code.copied') : state === 'manual' ? t('code.manual') : ''}
        </span>
        <button type="button" className="btn" aria-label={t('code.copyLabel', { name: props.name })} onClick={() => void copy()}>
          {t('code.copy')}
        </button>
      </figcaption>
      <pre ref={pre} className="config-view code-view" tabIndex={0} aria-label={t('code.readOnly', { name: props.name })}>
        {props.text}
      </pre>
    </figure>
  );
}
