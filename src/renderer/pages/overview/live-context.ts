import { createContext } from 'react';
import type { LivePoint } from './live-points';
import type { ErrorRun } from './overview-model';

/** What changes on every sample: handed to the live layer by context, past the chart's frame. */
export interface LiveFrame {
  data: LivePoint[];
  /** The window's time span: [end − window, end]. */
  domain: [number, number];
  errorRuns: readonly ErrorRun[];
}

export const LiveContext = createContext<LiveFrame>({ data: [], domain: [0, 1], errorRuns: [] });
