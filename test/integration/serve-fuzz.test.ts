import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { startServeMode, type ServeMode } from '../../src/server/serve-mode.js';
import { OPERATIONS, type OperationName } from '../../src/shared/contract.js';
import { ERROR_CODES } from '../../src/shared/errors.js';
import type { SavedProfile } from '../../src/shared/profile.js';
import { decodeWire, encodeWire, type Reply } from '../../src/shared/wire.js';
import { Fuzz, PROTO_KEYS, seededRandom, setOwn } from '../helpers/fuzz-payloads.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { consoleService, savedFor, staticSite } from '../helpers/serve-fixture.js';
import { ProtocolSocket, socketUrlOf } from '../helpers/serve-socket.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/legacy');
const PER_OPERATION = 1000;
const SEED = Number(process.env.POOL_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const data = poolDatabase('bare');
let service: ConsoleService;
let serve: ServeMode;
let readOnly: SavedProfile;
let writable: SavedProfile;
let snapshots: string[];

/** Everything the fuzz must not change: the pool columns of every booking, the audit log, the schema. */
async function fingerprint(): Promise<Record<string, unknown>> {
  const [[pool]] = await data.admin.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS bookings,
            COALESCE(SUM(CRC32(CONCAT_WS('|', BOOKING_ID, COALESCE(POOL_STATUS, '~'), COALESCE(POOL_ENTRY_TIME, '~'), COALESCE(POOL_DEADLINE_TIME, '~'),
                     COALESCE(POOL_PROCESSING_ATTEMPTS, '~'), COALESCE(POOL_MODE, '~'), COALESCE(POOL_CLAIMED_BY, '~'), COALESCE(POOL_CLAIMED_AT, '~'),
                     COALESCE(POOL_LAST_ERROR, '~')))), 0) AS poolChecksum
       FROM BOOKING_PLAN`,
  );
  const [[audit]] = await data.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS auditRows FROM POOL_AUDIT_LOG');
  const [[schema]] = await data.admin.query<RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()) AS columns,
            (SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()) AS indexParts,
            (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()) AS tables`,
  );
  return { ...pool, ...audit, ...schema };
}

/** Whether the contract's schema takes the input as the server will see it (after the trip through JSON). */
function locallyValid(name: OperationName, wireInput: unknown): boolean {
  return OPERATIONS[name].input.safeParse(wireInput ?? {}).success;
}

function fuzzFor(seed: number): Fuzz {
  const { port } = data.profile;
  // fields a connection test or profile would dial: a socket that does not exist and a user
  // that does not either, so a "valid" draft fails fast instead of dialling the world
  return new Fuzz(seededRandom(seed), {
    host: () => '127.0.0.1',
    port: () => port,
    user: (fuzz) => fuzz.pick(['fuzz_nobody', 'fuzz_nobody2']),
    socketPath: () => '/nonexistent/pool-console-fuzz.sock',
    replica: () => undefined,
    name: (fuzz) => fuzz.pick(['fuzz a', 'fuzz b']),
    profile: (fuzz) => fuzz.pick(['fuzz a', 'fuzz b', 'no such profile']),
    snapshot: (fuzz) => fuzz.pick(snapshots),
    bookingId: (fuzz) => fuzz.int(1, 60),
  });
}

/** One random payload for an operation: no input, junk, a schema-valid input, or one with a field mutated. */
function payload(fuzz: Fuzz, name: OperationName): unknown {
  const roll = fuzz.random();
  if (roll < 0.05) return undefined;
  if (roll < 0.35) return fuzz.junk();
  const valid = fuzz.fromSchema(OPERATIONS[name].input);
  return roll < 0.45 ? valid : fuzz.mutate(valid);
}

interface Answered {
  /** The input as the server decoded it. */
  input: unknown;
  reply: Reply<unknown>;
}

/** Sends every frame at once on one socket (pipelined) and collects each reply by id. */
async function pipeline(socket: ProtocolSocket, name: string, inputs: unknown[]): Promise<Answered[]> {
  const sent = inputs.map((input) => {
    const id = socket.id();
    const frame: Record<string, unknown> = { id, type: 'call', name };
    if (input !== undefined) setOwn(frame, 'input', input);
    const text = encodeWire(frame);
    socket.sendText(text);
    return { id, input: (decodeWire(text) as { input?: unknown }).input };
  });
  await socket.until(() => sent.every(({ id }) => socket.replies.has(id)), 120_000, `${sent.length} replies for ${name}`);
  return sent.map(({ id, input }) => {
    const reply = socket.replies.get(id)!;
    socket.replies.delete(id);
    return { input, reply };
  });
}

function isEnvelope(reply: Reply<unknown>): boolean {
  return reply.ok === true ? 'result' in reply : (ERROR_CODES as readonly string[]).includes(reply.error?.code) && typeof reply.error.message === 'string';
}

/** What the payload was and what came back, for a failure message (inputs as the server decoded them). */
function describeFailure(name: string, input: unknown, reply: Reply<unknown>, expected: string): string {
  const shown = JSON.stringify(input) ?? 'undefined';
  return `${name} ${shown.length > 300 ? `${shown.slice(0, 300)}…` : shown} → ${JSON.stringify(reply).slice(0, 300)} (expected ${expected})`;
}

beforeAll(async () => {
  snapshots = await Promise.all((await fs.readdir(FIXTURES)).map((file) => fs.readFile(path.join(FIXTURES, file), 'utf8')));
  const ids = await insertBookings(data.admin, { count: 60 });
  await poolDirectly(data.admin, ids.slice(0, 20), { status: 'waiting', deadlineHoursFromNow: -1 });
  await poolDirectly(data.admin, ids.slice(20, 30), { status: 'processing', claimedBy: 'worker-1', claimedSecondsAgo: 7200, attempts: 1 });
  await poolDirectly(data.admin, ids.slice(30, 40), { status: 'failed', attempts: 1 });
  ({ service } = await consoleService());
  readOnly = savedFor('fuzz read-only', data.profile, { readOnly: true });
  writable = savedFor('fuzz writable', data.profile);
  serve = await startServeMode({ service, staticDir: (await staticSite()).staticDir, host: '127.0.0.1' });
});

afterAll(async () => {
  await serve?.close();
  await service?.close();
});

async function connectAs(profile: SavedProfile): Promise<void> {
  const state = service.session.state;
  if (state.connected && state.profileName === profile.name) return;
  await service.session.connect(profile, data.profile);
}

describe('serve mode under fuzz', () => {
  it(`answers ${PER_OPERATION} random payloads per operation with an envelope, refuses every write on a read-only profile, and changes nothing`, async ({ onTestFailed }) => {
    onTestFailed(() => console.error(`serve fuzz failed with seed ${SEED}: rerun with POOL_FUZZ_SEED=${SEED}`));
    const fuzz = fuzzFor(SEED);
    const before = await fingerprint();
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const socket = await ProtocolSocket.open(socketUrlOf(serve.url));
    const failures: string[] = [];
    try {
      for (const name of Object.keys(OPERATIONS) as OperationName[]) {
        // connection.disconnect and .connect may move the session: every batch starts on the read-only profile
        await connectAs(readOnly);
        const inputs = Array.from({ length: PER_OPERATION }, () => payload(fuzz, name));
        const answered = await pipeline(socket, name, inputs);
        for (const { input, reply } of answered) {
          const valid = locallyValid(name, input);
          const expected = !valid ? 'INVALID_INPUT' : OPERATIONS[name].writes ? 'NO_PRIVILEGE' : null;
          if (!isEnvelope(reply)) failures.push(describeFailure(name, input, reply, 'an envelope'));
          else if (expected && (reply.ok || reply.error.code !== expected)) failures.push(describeFailure(name, input, reply, expected));
          else if (!reply.ok && reply.error.code === 'INTERNAL') failures.push(describeFailure(name, input, reply, 'no INTERNAL: that is a bug'));
        }
      }

      // frames that are not calls of a known operation at all
      const broken: (string | Buffer)[] = [];
      const brokenWithId: number[] = [];
      for (let i = 0; i < PER_OPERATION; i += 1) {
        const roll = fuzz.random();
        // nesting too deep for any JSON parser's stack
        if (roll < 0.02) broken.push(`{"id":1,"type":"call","name":"app.info","input":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
        else if (roll < 0.2) broken.push(fuzz.junkString(60).replace(/^[[{"\d-]|^(true|false|null)/, '#'));
        else if (roll < 0.3) broken.push(Buffer.from([0, 159, 146, 150, fuzz.int(0, 255)]));
        else if (roll < 0.5) {
          const junk = fuzz.junk();
          // without an id, so that its reply is one of the id-less ones
          if (junk && typeof junk === 'object' && !Array.isArray(junk)) delete (junk as Record<string, unknown>).id;
          broken.push(encodeWire(junk));
        }
        else {
          const id = socket.id();
          brokenWithId.push(id);
          const frame: Record<string, unknown> = { id };
          if (roll < 0.7) Object.assign(frame, { type: 'call', name: `${fuzz.pick(Object.keys(OPERATIONS))}${fuzz.junkString(5)}x`, input: fuzz.junk() });
          else if (roll < 0.8) Object.assign(frame, { type: fuzz.pick(['call', 'subscribe', 'unsubscribe', 'CALL', '', 'event']), name: fuzz.junk(), stream: fuzz.junk() });
          else setOwn(frame, fuzz.pick(PROTO_KEYS), fuzz.junk());
          broken.push(encodeWire(frame));
        }
      }
      const orphansBefore = socket.orphanReplies.length;
      for (const frame of broken) socket.sendText(frame);
      const orphansExpected = broken.length - brokenWithId.length;
      await socket.until(
        () => socket.orphanReplies.length - orphansBefore + brokenWithId.filter((id) => socket.replies.has(id)).length >= broken.length,
        60_000,
        'replies to the broken frames',
      );
      // an unknown operation in a well-formed frame is an INVALID_INPUT reply to its id, like a malformed frame with an id
      for (const reply of [...socket.orphanReplies.slice(orphansBefore), ...brokenWithId.map((id) => socket.replies.get(id)!)]) {
        expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      }
      expect(socket.orphanReplies.length - orphansBefore).toBe(orphansExpected);

      // still serving: the same socket and a new one answer
      expect(await socket.call('app.info', {})).toMatchObject({ ok: true, result: { shell: 'serve' } });
      const fresh = await ProtocolSocket.open(socketUrlOf(serve.url));
      expect(await fresh.call('connection.current', {})).toMatchObject({ ok: true });
      fresh.close();
    } finally {
      socket.close();
    }
    expect(failures.slice(0, 10), `${failures.length} failures with seed ${SEED}`).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await fingerprint()).toEqual(before);
  }, 180_000);

  it(`refuses ${PER_OPERATION} invalid inputs per writing operation on a writable profile, and changes nothing`, async ({ onTestFailed }) => {
    onTestFailed(() => console.error(`serve fuzz failed with seed ${SEED}: rerun with POOL_FUZZ_SEED=${SEED}`));
    const fuzz = fuzzFor(SEED + 1);
    await connectAs(writable);
    const before = await fingerprint();
    const failures: string[] = [];
    const socket = await ProtocolSocket.open(socketUrlOf(serve.url));
    try {
      for (const name of (Object.keys(OPERATIONS) as OperationName[]).filter((candidate) => OPERATIONS[candidate].writes)) {
        const inputs: unknown[] = [];
        // only inputs the contract's schema refuses: a valid one would really write
        while (inputs.length < PER_OPERATION) {
          const input = payload(fuzz, name);
          const text = input === undefined ? undefined : encodeWire(input);
          if (!locallyValid(name, text === undefined ? undefined : decodeWire(text))) inputs.push(input);
        }
        for (const { input, reply } of await pipeline(socket, name, inputs)) {
          if (reply.ok || reply.error.code !== 'INVALID_INPUT') failures.push(describeFailure(name, input, reply, 'INVALID_INPUT'));
        }
      }
      expect(failures.slice(0, 10), `${failures.length} failures with seed ${SEED}`).toEqual([]);
      expect(service.session.state).toMatchObject({ connected: true, profileName: 'fuzz writable', readOnly: false });
    } finally {
      socket.close();
    }
    expect(await fingerprint()).toEqual(before);
  }, 120_000);
});
