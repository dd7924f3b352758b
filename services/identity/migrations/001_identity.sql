-- Tenants (the articles' companies), users and roles.
create table tenants (
  id text primary key check (id ~ '^[A-Za-z][A-Za-z0-9_-]{1,62}$'),
  name text not null check (length(name) between 1 and 100),
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  -- null only for platform operators, who belong to no tenant.
  tenant_id text references tenants (id),
  username text not null check (username ~ '^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$'),
  email text not null check (length(email) between 3 and 254),
  password_hash text not null,
  roles text[] not null check (roles <@ array['viewer', 'member', 'approver', 'admin', 'operator'] and cardinality(roles) > 0),
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((tenant_id is null) = ('operator' = any (roles)))
);
-- Usernames are unique regardless of case, as sign-in is.
create unique index users_username_key on users (lower(username));
create index users_tenant_idx on users (tenant_id);

-- Failed sign-ins, per account name and per client address, shared by every instance.
create table login_throttle (
  key text primary key,
  failures integer not null,
  window_started_at timestamptz not null,
  locked_until timestamptz
);

-- The OpenID provider's own state: sessions, interactions, grants, codes, tokens.
create table oidc_payloads (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  user_code text,
  uid text,
  account_id text,
  expires_at timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);
create index oidc_payloads_grant_idx on oidc_payloads (grant_id);
create index oidc_payloads_uid_idx on oidc_payloads (uid);
create index oidc_payloads_user_code_idx on oidc_payloads (user_code);
create index oidc_payloads_account_idx on oidc_payloads (account_id);
create index oidc_payloads_expires_idx on oidc_payloads (expires_at);

-- Signing keys (private JWKs) and cookie secrets, generated on first start, never committed.
create table signing_keys (
  kid text primary key,
  private_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);

create table secrets (
  name text primary key,
  value text not null,
  created_at timestamptz not null default now()
);
