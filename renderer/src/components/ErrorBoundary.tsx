import { Component, type ErrorInfo, type ReactNode } from 'react';
import { tr } from '../i18n';

interface State {
  error?: Error;
}

/** Catches rendering errors so bad input never blanks the app; offers to try again. */
export class ErrorBoundary extends Component<{ children: ReactNode; onReset?: () => void }, State> {
  override state: State = {};

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Flint renderer error:', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="notice err" role="alert">
        <strong>{tr('boundary.title')}</strong>
        <span>{this.state.error.message}</span>
        <div className="row">
          <button
            type="button"
            className="btn"
            onClick={() => {
              this.props.onReset?.();
              this.setState({ error: undefined });
            }}
          >
            {tr('boundary.retry')}
          </button>
        </div>
      </div>
    );
  }
}
