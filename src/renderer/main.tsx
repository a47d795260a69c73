import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { chooseApi } from './api/choose-api';
import './styles.css';

const container = document.getElementById('root');
if (!container) throw new Error('Pool Console: #root element missing from index.html');

createRoot(container).render(
  <StrictMode>
    <App api={chooseApi()} />
  </StrictMode>,
);
