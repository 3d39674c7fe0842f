import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveFlintApi } from './bridge-client';
import { App } from './components/App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { connectWizard, createWizardStore, WizardProvider } from './store';
import './styles/app.css';

/** Renderer entry: picks window.flint (Electron) or the loopback bridge (browser), then renders. */
const api = resolveFlintApi();
const store = createWizardStore(api);
connectWizard(store, api);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <WizardProvider store={store}>
          <App />
        </WizardProvider>
      </ErrorBoundary>
    </StrictMode>,
  );
}
