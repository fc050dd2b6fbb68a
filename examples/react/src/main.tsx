import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { readSettings } from '../../shared/settings.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App {...readSettings(location.search)} />
  </StrictMode>,
);
