/** Where main's parts note refusals and failures: electron-log in the app, anything alike in tests. */
export interface LogSink {
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
}
