import { useT } from '../i18n/use-t';
import { useWizard } from '../store';

/** The recent configs or images as buttons that open them again. */
export function RecentList(props: { kind: 'config' | 'image' }) {
  const t = useT();
  const list = useWizard((s) => (props.kind === 'config' ? s.recentConfigs : s.recentImages));
  const open = useWizard((s) => s.openRecent);
  if (list.length === 0) return null;
  return (
    <div className="recent" aria-label={props.kind === 'config' ? t('recent.configs') : t('recent.images')}>
      <span className="muted small">{t('recent.label')}</span>
      {list.map((r) => (
        <button key={r.key} type="button" className="btn small" title={r.path ?? r.name} onClick={() => void open(props.kind, r.key)}>
          {r.name}
        </button>
      ))}
    </div>
  );
}
