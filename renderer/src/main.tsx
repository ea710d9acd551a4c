/** Entry: configure zod for the CSP, connect to the host, start the feeds, render. */
import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { connectToHost } from './bridge';
import { useAppStore } from './stores/app-store';
import './styles.css';

useAppStore.getState().startFeeds(connectToHost());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
