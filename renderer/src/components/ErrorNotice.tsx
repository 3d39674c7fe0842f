import type { ErrorValue } from '../../../electron/contract/api';
import { errorDetails, errorText } from '../messages';
import { useT } from '../i18n/use-t';

/** Shows a core error in the app's words (renderer/src/messages.ts), its details, and its code (small). */
export function ErrorNotice(props: { title?: string; error: ErrorValue; onDismiss?: () => void }) {
  const t = useT();
  const { error } = props;
  const text = errorText(error);
  const details = errorDetails(error);
  return (
    <div className="notice err" role="alert" data-code={error.code}>
      <div className="row">
        <strong className="grow">{props.title ?? text}</strong>
        {props.onDismiss && (
          <button type="button" className="linkish" onClick={props.onDismiss} aria-label={t('notice.dismissLabel')}>
            {t('notice.dismiss')}
          </button>
        )}
      </div>
      {props.title && <span>{text}</span>}
      {details.length > 0 && (
        <ul className="causes">
          {details.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ul>
      )}
      <span className="muted small">{t('notice.code', { code: error.code })}</span>
    </div>
  );
}
