-- The accounts of every tenant, isolated twice: the service filters every statement by tenant,
-- and row-level security filters again for any statement the service forgets to.

-- The role the service's statements run as (SET LOCAL ROLE, or by connecting as it). It must be
-- neither superuser nor BYPASSRLS, or the policies below would not apply. An operator may create
-- it beforehand (then this migration needs no CREATEROLE privilege); see services/accounts-api/README.md.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'atrium_accounts') then
    create role atrium_accounts nologin nosuperuser nobypassrls noinherit;
  end if;
end
$$;

create table accounts (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null check (tenant_id <> ''),
  nickname text not null check (char_length(nickname) between 1 and 60),
  -- Exact money: NUMERIC, never floating point. The API limits decimals to the currency's.
  balance numeric(19, 4) not null default 0,
  type text not null check (type in ('domestic', 'international')),
  account_number text not null check (char_length(account_number) between 4 and 42),
  currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null default 1 check (version >= 1),
  -- Unique within a tenant only: a global constraint would tell one company another's numbers exist.
  constraint accounts_number_per_tenant unique (tenant_id, account_number)
);

-- Keyset pagination: one index per sort order, led by the tenant.
create index accounts_by_nickname on accounts (tenant_id, nickname, id);
create index accounts_by_balance on accounts (tenant_id, balance, id);
create index accounts_by_created on accounts (tenant_id, created_at, id);

alter table accounts enable row level security;
-- FORCE: the policies apply to the table owner too, not only to other roles.
alter table accounts force row level security;

-- current_setting(..., true) is NULL when no tenant is set, and NULL matches no row: a statement
-- that forgot to set the tenant sees nothing and can write nothing.
create policy accounts_tenant_isolation on accounts
  using (tenant_id = current_setting('app.tenant_id', true))
  with check (tenant_id = current_setting('app.tenant_id', true));

grant usage on schema public to atrium_accounts;
grant select, insert, update, delete on accounts to atrium_accounts;
