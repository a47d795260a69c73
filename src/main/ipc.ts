import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import type { ConsoleService } from '../core/console/console-service.js';
import { classifyError } from '../core/db/classify-error.js';
import { isOperationName } from '../shared/contract.js';
import { IPC_CHANNELS } from '../shared/ipc-protocol.js';
import type { Reply } from '../shared/wire.js';
import { FOREIGN_SENDER_REPLY, foreignSenderReason } from './ipc-sender';
import { StreamSubscriptions } from './ipc-streams';
import type { LogSink } from './log-sink';
import { rememberSecretsIn } from './secret-registry';

export interface ContractBindingOptions {
  service: Pick<ConsoleService, 'dispatch' | 'subscribe'>;
  /** The app's one page: only its main frame may call. */
  appUrl: URL;
  log: LogSink;
}

export interface ContractBinding {
  streams: StreamSubscriptions;
  /** Removes the handlers and ends every subscription. */
  dispose(): void;
}

const callRequest = z.object({ name: z.string().max(200), input: z.unknown() }).strict();

type Handler = (event: IpcMainInvokeEvent, payload: unknown) => Reply<unknown> | Promise<Reply<unknown>>;

/**
 * Binds the contract to ipcMain through one wrapper. Every channel checks that the sender is the
 * app's page first; everything a handler throws becomes an envelope (no stack, no password) and
 * a log line. One `pool:call` channel carries all operations (see shared/ipc-protocol.ts), so an
 * unknown name is refused and logged here; input is validated by the service against the
 * contract's zod schema, and a read-only profile's writes are refused there, in this process.
 */
export function bindContractToIpc({ service, appUrl, log }: ContractBindingOptions): ContractBinding {
  const streams = new StreamSubscriptions(service, log);

  const guarded = (channel: string, handler: Handler) => {
    ipcMain.handle(channel, async (event, payload: unknown) => {
      const foreign = foreignSenderReason(event, appUrl);
      if (foreign) {
        log.warn(`Refused '${channel}' from ${foreign}`);
        return FOREIGN_SENDER_REPLY;
      }
      try {
        return await handler(event, payload);
      } catch (error) {
        const failure = classifyError(error);
        log.error(`'${channel}' failed:`, failure.code, failure.message);
        return { ok: false, error: { code: failure.code, message: failure.message } } satisfies Reply<never>;
      }
    });
  };

  guarded(IPC_CHANNELS.call, async (_event, payload) => {
    const request = callRequest.safeParse(payload);
    if (!request.success) {
      log.warn(`Refused a malformed '${IPC_CHANNELS.call}' request`);
      return { ok: false, error: classifyError(request.error).toEnvelope() };
    }
    const { name, input } = request.data;
    if (!isOperationName(name)) {
      log.warn(`Refused unknown operation '${name.slice(0, 80)}'`);
      return { ok: false, error: { code: 'INVALID_INPUT', message: `Unknown operation '${name.slice(0, 80)}'.` } };
    }
    rememberSecretsIn(input);
    return service.dispatch(name, input);
  });
  guarded(IPC_CHANNELS.subscribe, (event, payload) => streams.subscribe(event.sender, payload));
  guarded(IPC_CHANNELS.unsubscribe, (event, payload) => streams.unsubscribe(event.sender, payload));

  return {
    streams,
    dispose() {
      for (const channel of [IPC_CHANNELS.call, IPC_CHANNELS.subscribe, IPC_CHANNELS.unsubscribe]) ipcMain.removeHandler(channel);
      streams.endAll();
    },
  };
}
