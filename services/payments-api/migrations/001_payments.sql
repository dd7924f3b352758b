-- Payments, isolated twice: every statement of the service filters by tenant, and row-level security
-- filters again for any statement that forgets to (as the accounts API, ADR 0201). The tables are
-- what src/store/postgres/model-table.ts derives from the @model Payment (the service checks the
-- columns at start and names any that is missing), plus the checks only this model has.

-- The role the service's statements run as (SET LOCAL ROLE, or by connecting as it): neither
-- superuser nor BYPASSRLS, or the policies would not apply. An operator may create it beforehand.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'atrium_payments') then
    create role atrium_payments nologin nosuperuser nobypassrls noinherit;
  end if;
end
$$;

grant usage on schema public to atrium_payments;

create table payments (
  tenant_id text collate "C" not null check (tenant_id <> ''),
  id text collate "C" not null check (char_length(id) between 1 and 128),
  -- Exact money: numeric, never floating point; the API bounds digits per currency.
  amount numeric,
  currency text collate "C" check (currency ~ '^[A-Z]{3}$'),
  due_date timestamptz,
  from_account text collate "C",
  to_account text collate "C",
  message text collate "C",
  type text collate "C" check (type in ('DOMESTIC', 'INTERNATIONAL')),
  status text collate "C" check (status in ('UNCONFIRMED', 'CONFIRMED')),
  created_by text collate "C",
  confirmed_by text collate "C",
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null check (version >= 1),
  deleted boolean not null default false,
  created_by_id text not null,
  -- The idempotency record lives in the row it created: written in the same statement.
  idempotency_key text,
  input_hash text,
  primary key (tenant_id, id)
);
-- Keyset pagination: one index per sort field, led by the tenant; tombstones are not in them.
-- created_at is NOT NULL: no `is not null` predicate, which PostgreSQL 17+ drops from such queries.
create index payments_by_created_at on payments (tenant_id, created_at, id) where not deleted;
create index payments_by_amount on payments (tenant_id, amount, id) where not deleted and amount is not null;
create index payments_by_due_date on payments (tenant_id, due_date, id) where not deleted and due_date is not null;
-- Append-only: the service role may insert and read audit rows, never change them.
create table payment_audit (
  tenant_id text collate "C" not null,
  record_id text collate "C" not null,
  version integer not null,
  at timestamptz not null,
  actor text not null,
  actor_id text not null,
  operation text not null check (operation in ('CREATE', 'UPDATE', 'DELETE', 'CONFIRM')),
  before json,
  after json,
  primary key (tenant_id, record_id, version),
  foreign key (tenant_id, record_id) references payments (tenant_id, id)
);
alter table payments enable row level security;
alter table payments force row level security;
create policy payments_tenant_isolation on payments
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));
grant select, insert, update on payments to atrium_payments;
alter table payment_audit enable row level security;
alter table payment_audit force row level security;
create policy payment_audit_tenant_isolation on payment_audit
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));
grant select, insert on payment_audit to atrium_payments;

