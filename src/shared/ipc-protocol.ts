import type { StreamName } from './contract.js';

/**
 * The Electron IPC channels between main and the preload: four, whatever the contract holds.
 * One `pool:call` channel carries every operation as `{ name, input }`, so an unknown operation
 * reaches main's one wrapper and is refused there with an envelope and a log line (with a channel
 * per operation, Electron itself would reject an unknown channel before main could see it).
 */
export const IPC_CHANNELS = {
  /** invoke: CallRequest → Reply */
  call: 'pool:call',
  /** invoke: SubscribeRequest → Reply<{ subscribed: true }> */
  subscribe: 'pool:subscribe',
  /** invoke: UnsubscribeRequest → Reply<{ unsubscribed: boolean }> */
  unsubscribe: 'pool:unsubscribe',
  /** main → that page only: StreamMessage */
  event: 'pool:event',
} as const;

export interface CallRequest {
  name: string;
  input: unknown;
}

/** The preload picks the id, so it can listen before main can send the first event. */
export interface SubscribeRequest {
  id: string;
  stream: StreamName;
  params: unknown;
}

export interface UnsubscribeRequest {
  id: string;
}

export interface StreamMessage {
  id: string;
  event: unknown;
}

/** Subscription ids: short and plain, so a page cannot grow main's tables with huge keys. */
export const SUBSCRIPTION_ID = /^[A-Za-z0-9_-]{1,64}$/;
