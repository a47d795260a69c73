import { expect } from 'vitest';
import { OPERATIONS, type InputOf, type OperationName, type ResultOf } from '../../src/shared/contract.js';
import type { Reply } from '../../src/shared/wire.js';
import type { ProtocolSocket } from './serve-socket.js';

/**
 * One call of a read operation in a "every read operation over the socket" test: its input and
 * what its result must show. The tables are run in order, so the connection operations (which
 * switch away and back) go last.
 */
export type ReadSample = [OperationName, unknown, (result: never) => void];

/** A ReadSample typed by the contract: the input and the result the check gets are the operation's own. */
export function readSample<N extends OperationName>(name: N, input: InputOf<N>, check: (result: ResultOf<N>) => void): ReadSample {
  return [name, input, check as (result: never) => void];
}

/** Every operation of the contract that does not change the database. */
export const READ_OPERATIONS: OperationName[] = (Object.keys(OPERATIONS) as OperationName[]).filter((name) => !OPERATIONS[name].writes);

/** A new read operation without a sample fails here, so none is forgotten; each is called once. */
export function expectEveryReadSampled(samples: readonly ReadSample[]): void {
  expect(samples.map(([name]) => name).sort()).toEqual([...READ_OPERATIONS].sort());
}

/** The ok result of a reply, or a failure naming the operation and the error envelope. */
export function okResult(name: string, reply: Reply<unknown>): unknown {
  if (!reply.ok) throw new Error(`${name} answered ${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

/** Calls each sample over the socket, in order, and checks its ok result. */
export async function callEverySample(socket: ProtocolSocket, samples: readonly ReadSample[], timeoutMs = 60_000): Promise<void> {
  for (const [name, input, check] of samples) {
    const result = okResult(name, await socket.call(name, input, timeoutMs));
    check(result as never);
  }
}
