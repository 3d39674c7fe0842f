import type { ErrorValue } from '../../../electron/contract/api';

/** Shows a core error as its person-actionable message, its causes, and its code (small). */
export function ErrorNotice(props: { title?: string; error: ErrorValue; onDismiss?: () => void }) {
  const { error } = props;
  return (
    <div className="notice err" role="alert" data-code={error.code}>
      <div className="row">
        <strong className="grow">{props.title ?? error.message}</strong>
        {props.onDismiss && (
          <button type="button" className="linkish" onClick={props.onDismiss} aria-label="Dismiss this message">
            Dismiss
          </button>
        )}
      </div>
      {props.title && <span>{error.message}</span>}
      {error.causes && error.causes.length > 0 && (
        <ul className="causes">
          {error.causes.map((c, i) => (
            <li key={i}>{c}</li>
          ))}
        </ul>
      )}
      <span className="muted small">Code: {error.code}</span>
    </div>
  );
}
