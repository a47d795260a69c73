import packageJson from '../../package.json' with { type: 'json' };

/** Recorded in every audit row and migration row, so a change can be traced to the console that made it. */
export const CONSOLE_VERSION: string = packageJson.version;
