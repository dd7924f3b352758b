import { Injectable, InjectionToken, inject, type OnDestroy } from '@angular/core';
import { createClient, type Client } from 'graphql-ws';
import { ElementHost } from '@atrium/element-kit';
import { onCreatePayment, onDeletePayment, onUpdatePayment } from './payments-api.generated';

/** Opens graphql-ws clients; component tests provide a stand-in without a socket. */
export const LIVE_CLIENT_FACTORY = new InjectionToken<(url: string, token: () => Promise<string>) => Client>(
  'LIVE_CLIENT_FACTORY',
  {
    providedIn: 'root',
    factory: () => (url, token) =>
      createClient({
        url,
        lazy: true,
        // The token travels in connection_init and is fetched fresh on every (re)connect.
        connectionParams: async () => ({ authorization: `Bearer ${await token()}` }),
        retryAttempts: Infinity,
        shouldRetry: () => true,
      }),
  },
);

/** The generated subscription documents, by the root field each one is for. */
const DOCUMENTS = { onCreatePayment, onUpdatePayment, onDeletePayment } as const;
const EVENTS = Object.keys(DOCUMENTS) as (keyof typeof DOCUMENTS)[];
export type PaymentEvent = keyof typeof DOCUMENTS;

/**
 * What `watch` reports: one payment changed, or the socket came back after it was lost (an instance
 * restart, a Redis outage) and the changes made meanwhile were never delivered: reload what is shown.
 */
export type LiveChange = { readonly event: PaymentEvent; readonly id: string } | { readonly event: 'resync' };

/** Live changes to the tenant's payments (made by anyone in the tenant), over graphql-ws. */
@Injectable({ providedIn: 'root' })
export class PaymentsLive implements OnDestroy {
  private readonly host = inject(ElementHost);
  private readonly factory = inject(LIVE_CLIENT_FACTORY);
  private client: Client | undefined;

  /**
   * Calls `onChange` for each created, updated or deleted payment, and with `resync` after every
   * reconnect (the server keeps no history to replay); returns the unsubscribe.
   */
  watch(onChange: (change: LiveChange) => void): () => void {
    const context = this.host.context();
    if (!context) return () => undefined;
    this.client ??= this.factory(context.api.paymentsGraphqlWs, () => this.host.accessToken());
    const client = this.client;
    // graphql-ws re-subscribes by itself after a retry; what happened while the socket was away is
    // only in the list, so the watcher reloads it.
    const stopResync = client.on('connected', (_socket, _payload, wasRetry) => {
      if (wasRetry) onChange({ event: 'resync' });
    });
    const stops = EVENTS.map((event) =>
      client.subscribe<Record<string, { id: string } | null>>(
        { query: DOCUMENTS[event] },
        {
          next: (result) => {
            const id = result.data?.[event]?.id;
            if (id) onChange({ event, id });
          },
          error: () => undefined,
          complete: () => undefined,
        },
      ),
    );
    return () => {
      stopResync();
      stops.forEach((stop) => stop());
    };
  }

  ngOnDestroy(): void {
    void this.client?.dispose();
  }
}
