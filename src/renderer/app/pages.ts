import type { ComponentType } from 'react';
import { ActivityPage } from '../pages/ActivityPage';
import { AlertsPage } from '../pages/AlertsPage';
import { ConnectionPage } from '../pages/ConnectionPage';
import { EntriesPage } from '../pages/EntriesPage';
import { IndexesPage } from '../pages/IndexesPage';
import { MaintenancePage } from '../pages/MaintenancePage';
import { MigrationsPage } from '../pages/MigrationsPage';
import { OverviewPage } from '../pages/OverviewPage';
import { WorkersPage } from '../pages/WorkersPage';

export interface PageProps {
  /** Switch to another page (e.g. from a tile to the entries it counts). */
  navigate: (page: PageId, state?: Record<string, unknown>) => void;
  /** What the navigating page handed over (e.g. entry filters). */
  state?: Record<string, unknown>;
}

export interface PageSpec {
  id: PageId;
  title: string;
  /** Alt + this key switches to the page. */
  key: string;
  needsConnection: boolean;
  component: ComponentType<PageProps>;
}

export type PageId = 'connection' | 'overview' | 'entries' | 'indexes' | 'migrations' | 'maintenance' | 'activity' | 'workers' | 'alerts';

export const PAGES: readonly PageSpec[] = [
  { id: 'connection', title: 'Connection', key: '1', needsConnection: false, component: ConnectionPage },
  { id: 'overview', title: 'Overview', key: '2', needsConnection: true, component: OverviewPage },
  { id: 'entries', title: 'Entries', key: '3', needsConnection: true, component: EntriesPage },
  { id: 'indexes', title: 'Indexes', key: '4', needsConnection: true, component: IndexesPage },
  { id: 'migrations', title: 'Migrations', key: '5', needsConnection: true, component: MigrationsPage },
  { id: 'maintenance', title: 'Maintenance', key: '6', needsConnection: true, component: MaintenancePage },
  { id: 'activity', title: 'Activity', key: '7', needsConnection: false, component: ActivityPage },
  { id: 'workers', title: 'Workers', key: '8', needsConnection: true, component: WorkersPage },
  { id: 'alerts', title: 'Alerts', key: '9', needsConnection: true, component: AlertsPage },
];
