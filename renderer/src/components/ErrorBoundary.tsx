import { Component, type ErrorInfo, type ReactNode } from 'react';

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
        <strong>Something went wrong while showing this step.</strong>
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
            Try again
          </button>
        </div>
      </div>
    );
  }
}
