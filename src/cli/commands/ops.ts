import { z } from 'zod';
import { OPERATION_NAMES, OPERATIONS } from '../../shared/contract.js';
import { EXIT_OK, createOutput } from '../output.js';
import { jsonOption, type Register } from './command.js';

/** One operation of the contract as `ops` lists it: its input as JSON Schema, made from its zod schema. */
export interface OperationListing {
  name: string;
  summary: string;
  writes: boolean;
  input: Record<string, unknown>;
}

/** Every operation of the contract, in its order; generic: a new operation is listed with no change here. */
export function listOperations(): OperationListing[] {
  return OPERATION_NAMES.map((name) => {
    const { summary, writes, input } = OPERATIONS[name];
    // what a caller sends (io: input: defaults optional, coerced dates as strings); a date has no JSON Schema type
    const schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { name, summary, writes, input: schema };
  });
}

/** The input's fields as one line for a person: `name`, `name?` when optional. */
function fields(schema: Record<string, unknown>): string {
  const variants = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (variants) return variants.map(fields).join(' | ');
  const properties = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return properties.length === 0 ? '{}' : `{ ${properties.map((name) => (required.has(name) ? name : `${name}?`)).join(', ')} }`;
}

export const opsCommand: Register = (program, done) => {
  const command = program
    .command('ops')
    .description('every contract operation: summary, whether it writes, and its input (as JSON Schema with --json)');
  jsonOption(command).action((flags: { json?: boolean }) =>
    done(async () => {
      const operations = listOperations();
      createOutput(Boolean(flags.json)).result(operations, () =>
        operations.map((op) => `${op.name}${op.writes ? '  [writes]' : ''}\n  ${op.summary}\n  input ${fields(op.input)}`).join('\n'),
      );
      return EXIT_OK;
    }),
  );
};
