-- Sign-in throttling without lockouts (issue 9.4): per key, the failures so far and the earliest
-- moment the next attempt may be checked. The counts of the old lockout table are dropped: at worst
-- an attacker gets one more round of free failures after the upgrade.
drop table login_throttle;

create table login_throttle (
  key text primary key,
  failures integer not null check (failures >= 0),
  last_failure_at timestamptz not null,
  next_attempt_at timestamptz not null
);
-- The sweeper forgets keys quiet for a day.
create index login_throttle_last_failure_idx on login_throttle (last_failure_at);
