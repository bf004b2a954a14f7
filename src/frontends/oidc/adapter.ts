// oidc-provider's storage adapter over our store: every model (Session, Interaction,
// AuthorizationCode, AccessToken, Grant, ...) lives in the database, so any process serves any request.
// Clients are not stored here: they are the OIDC webdiensten, read from the webdiensten table.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Clock } from '../../core/clock.ts';
import type { Store } from '../../stores/index.ts';
import { clientMetadataFor } from './client-metadata.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';

type AdapterStore = Pick<
  Store,
  | 'upsertOidcPayload'
  | 'findOidcPayload'
  | 'findOidcPayloadByUid'
  | 'findOidcPayloadByUserCode'
  | 'consumeOidcPayload'
  | 'deleteOidcPayload'
  | 'deleteOidcPayloadsByGrantId'
  | 'findWebdienstByClientId'
>;

export function createAdapterClass(store: AdapterStore, clock: Clock, trust?: CertificateTrust) {
  const withConsumed = (stored: Awaited<ReturnType<AdapterStore['findOidcPayload']>>): AdapterPayload | undefined =>
    stored && {
      ...stored.payload,
      ...(stored.consumedAt ? { consumed: Math.floor(stored.consumedAt / 1000) } : {}),
    };

  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      await store.upsertOidcPayload(this.model, id, payload, expiresIn ? clock.now() + expiresIn * 1000 : null);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const webdienst = await store.findWebdienstByClientId(id);
        return webdienst?.protocol === 'oidc' ? clientMetadataFor(webdienst, trust) : undefined;
      }
      return withConsumed(await store.findOidcPayload(this.model, id, clock.now()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return withConsumed(await store.findOidcPayloadByUid(this.model, uid, clock.now()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return withConsumed(await store.findOidcPayloadByUserCode(this.model, userCode, clock.now()));
    }

    async consume(id: string): Promise<void> {
      await store.consumeOidcPayload(this.model, id, clock.now());
    }

    async destroy(id: string): Promise<void> {
      await store.deleteOidcPayload(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.deleteOidcPayloadsByGrantId(this.model, grantId);
    }
  };
}
