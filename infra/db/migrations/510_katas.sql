-- Katas (issue 15): a facilitator's timed exercise in a live dojo, its breakout rooms and results.

-- A breakout room is a dojo room: a child row of its dojo, so the dojo-room actor hosts it with
-- its own chat, code document, awareness, media and failover. `kata_id` names the kata that
-- opened it; `read_only` is kept with the room so every activation after the deadline refuses edits.
ALTER TABLE dojos ADD COLUMN parent_dojo_id uuid REFERENCES dojos (id) ON DELETE CASCADE;
ALTER TABLE dojos ADD COLUMN kata_id uuid;
ALTER TABLE dojos ADD COLUMN read_only boolean NOT NULL DEFAULT false;
CREATE INDEX dojos_parent ON dojos (tenant_id, parent_dojo_id) WHERE parent_dojo_id IS NOT NULL;

-- The tenant's kata library: exercises a facilitator starts a kata from.
CREATE TABLE kata_exercises (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  created_by uuid NOT NULL REFERENCES users (id),
  title varchar(200) NOT NULL,
  statement text NOT NULL,
  language varchar(50) NOT NULL,
  starter_code text NOT NULL DEFAULT '',
  tests text,
  archived_at timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kata_exercises_tenant ON kata_exercises (tenant_id, created DESC, id) WHERE archived_at IS NULL;

-- One kata: its exercise (copied, so editing the library does not change a running kata), its
-- server-side timer (deadline) and the activation epoch that fences a stale owner's writes, as
-- dojos.room_epoch does for rooms.
CREATE TABLE katas (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  facilitator_id uuid NOT NULL REFERENCES users (id),
  exercise_id uuid REFERENCES kata_exercises (id) ON DELETE SET NULL,
  title varchar(200) NOT NULL,
  statement text NOT NULL,
  language varchar(50) NOT NULL,
  starter_code text NOT NULL DEFAULT '',
  tests text,
  duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  room_size integer NOT NULL CHECK (room_size BETWEEN 1 AND 100),
  status varchar(10) NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'ENDED')),
  started_at timestamptz NOT NULL DEFAULT now(),
  deadline timestamptz NOT NULL,
  read_only boolean NOT NULL DEFAULT false,
  ended_at timestamptz,
  end_reason varchar(10) CHECK (end_reason IN ('ended', 'timeout')),
  epoch bigint NOT NULL DEFAULT 0,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
-- Seed 004's "active katas" index.
CREATE INDEX katas_active ON katas (tenant_id, status, started_at DESC);
-- One running kata per dojo: a second start is refused with 409.
CREATE UNIQUE INDEX katas_one_active_per_dojo ON katas (dojo_id) WHERE status = 'ACTIVE';

-- A breakout room of a kata; its id is the breakout dojo's id.
CREATE TABLE kata_rooms (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kata_id uuid NOT NULL REFERENCES katas (id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  position integer NOT NULL,
  status varchar(10) NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'COMPLETED', 'CLOSED')),
  completed_at timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kata_rooms_kata ON kata_rooms (tenant_id, kata_id, position);

-- Who is assigned where: one breakout room at a time per participant (the primary key).
CREATE TABLE kata_room_members (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kata_id uuid NOT NULL REFERENCES katas (id) ON DELETE CASCADE,
  room_id uuid NOT NULL REFERENCES kata_rooms (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kata_id, user_id)
);
CREATE INDEX kata_room_members_room ON kata_room_members (tenant_id, room_id);

-- A room's outcome: completion, its test runs (from code.executed) and the final code at the end.
CREATE TABLE kata_results (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kata_id uuid NOT NULL REFERENCES katas (id) ON DELETE CASCADE,
  room_id uuid PRIMARY KEY REFERENCES kata_rooms (id) ON DELETE CASCADE,
  completed boolean NOT NULL DEFAULT false,
  seconds_to_complete integer,
  test_runs integer NOT NULL DEFAULT 0,
  tests_passed integer,
  tests_failed integer,
  tests_total integer,
  last_run_status varchar(20),
  last_run_at timestamptz,
  final_code text,
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kata_results_kata ON kata_results (tenant_id, kata_id);

-- Row-level security. app_isolate_tenant comes with migration 900, which runs after this one on
-- a fresh database (and then rewrites every tenant_isolation policy itself); on a database that
-- already has it, use it directly.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['kata_exercises', 'katas', 'kata_rooms', 'kata_room_members', 'kata_results'] LOOP
    IF to_regprocedure('app_isolate_tenant(regclass, name)') IS NOT NULL THEN
      PERFORM app_isolate_tenant(t::regclass);
    ELSE
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
      EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id))', t);
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO pocdojo_app', t);
  END LOOP;
END $$;
