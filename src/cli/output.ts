import { classifyError } from '../core/db/classify-error.js';
import { redactSecrets } from '../shared/redact.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export interface Output {
  json: boolean;
  /** A result: JSON on stdout with --json, else the text the command renders. */
  result(value: unknown, text: () => string): void;
  /** Progress for a person; silent with --json so stdout stays parseable. */
  progress(line: string): void;
  error(error: unknown): number;
}

export function createOutput(json: boolean, secrets: string[] = []): Output {
  return {
    json,
    result(value, text) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
    },
    progress(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
    error(error) {
      const envelope = classifyError(error).toEnvelope();
      envelope.message = redactSecrets(envelope.message, secrets);
      if (json) process.stdout.write(`${JSON.stringify({ error: envelope }, null, 2)}\n`);
      else process.stderr.write(`error ${envelope.code}: ${envelope.message}\n`);
      return EXIT_ERROR;
    },
  };
}
