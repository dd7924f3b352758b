-- The service's own settings, shared by every instance on this database. One row today: the
-- fingerprint of the service secret (PaginationCursor.fingerprint), an HMAC of a fixed label under
-- the secret, never the secret. The first instance records it; an instance whose secret has another
-- fingerprint refuses to start, because it would sign nextTokens the others refuse and derive other
-- ids from the same idempotency keys (duplicate payments).
create table payments_service_settings (
  name text collate "C" primary key,
  value text not null,
  recorded_at timestamptz not null default now()
);
-- Recorded once, never changed by the service: changing the secret is the operator's decision.
grant select, insert on payments_service_settings to atrium_payments;
