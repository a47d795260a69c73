import type { LogLine } from '../shared/contract.js';
import { redactSecrets } from '../shared/redact.js';

export interface DiagnosticsFacts {
  version: string;
  /** process.versions: electron, chrome, node… */
  versions: Partial<Record<string, string>>;
  platform: string;
  arch: string;
  osRelease: string;
  userData: string;
  logsFolder: string;
  managedProfilesFile: string;
  passwordEncryption: boolean;
  /** The newest log lines (already redacted by the logging hook; redacted here again). */
  recentLogs: LogLine[];
}

/**
 * What Help ▸ Copy Diagnostics puts on the clipboard for a support ticket: versions, OS, where
 * data and logs are, and the last log lines. Never a password: no profile or connection detail is
 * included, and the whole text passes the same redaction as the log (known secrets, credentialed
 * URLs, password=… pairs), since whatever is pasted into a ticket is as good as published.
 */
export function diagnosticsText(facts: DiagnosticsFacts, knownSecrets: readonly string[]): string {
  const lines = [
    `Pool Console ${facts.version}`,
    `Electron ${facts.versions['electron'] ?? '?'}, Chrome ${facts.versions['chrome'] ?? '?'}, Node ${facts.versions['node'] ?? '?'}`,
    `OS: ${facts.platform} ${facts.osRelease} (${facts.arch})`,
    `Data folder: ${facts.userData}`,
    `Logs folder: ${facts.logsFolder}`,
    `Managed profiles file: ${facts.managedProfilesFile}`,
    `Password encryption: ${facts.passwordEncryption ? 'OS keychain' : 'not available (session only)'}`,
    '',
    `Last ${facts.recentLogs.length} log lines:`,
    ...facts.recentLogs.map((line) => `${new Date(line.time).toISOString()} [${line.level}] ${line.message}`),
  ];
  return redactSecrets(lines.join('\n'), knownSecrets);
}
