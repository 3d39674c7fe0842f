import { formatBytes, formatEta, formatPercent, formatSpeed, percent } from '../format';
import { useT } from '../i18n/use-t';

/** A labelled progress bar with bytes, percent, speed and ETA (an ARIA progressbar). */
export function Meter(props: {
  label: string;
  bytes: number;
  total?: number;
  speed?: number;
  eta?: number;
  /** Shows the speed/ETA line (off for static meters like config size). */
  live?: boolean;
  /** Marks the meter as over its limit (red). */
  over?: boolean;
  /** Custom legend text instead of the bytes. */
  legend?: string;
}) {
  const t = useT();
  const pct = percent(props.bytes, props.total);
  // a tiny but non-zero share still shows a sliver, and the text says "<1%" with it, so the bar
  // and the text never disagree
  const sliver = pct === 0 && props.bytes > 0;
  const width = pct === undefined ? '0%' : `${sliver ? 1 : pct}%`;
  const pctText = sliver ? `<${formatPercent(1)}` : pct === undefined ? '' : formatPercent(pct);
  return (
    <div className={`meter${props.over ? ' over' : ''}`}>
      <div
        className="track"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={pct === undefined ? formatBytes(props.bytes) : pctText}
      >
        <div className="fill" style={{ width }} />
      </div>
      <div className="legend">
        <span>
          {props.legend ??
            (props.total ? t('meter.of', { done: formatBytes(props.bytes), total: formatBytes(props.total) }) : formatBytes(props.bytes))}
          {pct !== undefined && !props.legend ? ` · ${pctText}` : ''}
        </span>
        {props.live && (
          <span>
            {formatSpeed(props.speed)} · {props.eta === undefined ? t('meter.etaUnknown') : t('meter.left', { eta: formatEta(props.eta) })}
          </span>
        )}
      </div>
    </div>
  );
}
