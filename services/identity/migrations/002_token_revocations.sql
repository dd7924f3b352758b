-- The latest moment each account's tokens were revoked (disabled, password reset): a token of that
-- account issued at or before it is refused by every API, which polls the recent rows
-- (GET /auth/revocations). One row per account, overwritten by the next revocation.
create table token_revocations (
  user_id uuid primary key references users (id) on delete cascade,
  revoked_at timestamptz not null
);
-- The APIs ask for the rows younger than the longest token lifetime.
create index token_revocations_revoked_at_idx on token_revocations (revoked_at);
