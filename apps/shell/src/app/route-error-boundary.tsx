import { Component, type ReactNode } from 'react';
import { label } from '../lib/shell-labels.ts';

interface State {
  readonly error: Error | undefined;
}

/** Keeps a rendering error inside one route: the top bar and drawer stay usable. */
export class RouteErrorBoundary extends Component<{ children: ReactNode; resetKey: string }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidUpdate(previous: { resetKey: string }): void {
    if (previous.resetKey !== this.props.resetKey && this.state.error !== undefined)
      this.setState({ error: undefined });
  }

  override render(): ReactNode {
    if (this.state.error === undefined) return this.props.children;
    return (
      <section className="error-panel" role="alert">
        <h1>{label('pageFailed')}</h1>
        <p>{this.state.error.message}</p>
        <button type="button" className="primary" onClick={() => this.setState({ error: undefined })}>
          {label('retry')}
        </button>
      </section>
    );
  }
}
