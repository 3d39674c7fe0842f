import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveFlintApi } from './bridge-client';
import { App } from './components/App';
import { ErrorBoundary } from './components/ErrorBoundary';
import { applyLanguage, resolveLanguage, savedLanguageChoice } from './i18n';
import { connectWizard, createWizardStore, WizardProvider } from './store';
import './styles/app.css';

/** Renderer entry: picks window.flint (Electron) or the loopback bridge (browser), then renders. */
const api = resolveFlintApi();
const store = createWizardStore(api);
connectWizard(store, api);

/** Renders the app (once the language's catalogue is there, so the first paint is in that language). */
function render(root: HTMLElement): void {
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

const root = document.getElementById('root');
// a catalogue that cannot load leaves the page in English rather than blank
if (root)
  void applyLanguage(resolveLanguage(savedLanguageChoice()))
    .catch(() => undefined)
    .then(() => render(root));
