import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

// The page gets exactly one object, `window.poolConsole` ({ call, subscribe, notify }), and nothing else:
// no ipcRenderer, no Node. The renderer wraps it with fromBridge (shared/bridge-client.ts).
contextBridge.exposeInMainWorld('poolConsole', createBridge(ipcRenderer));
