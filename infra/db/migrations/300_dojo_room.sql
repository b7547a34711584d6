-- The live dojo room (issue 5): fencing of the room's writes, classroom mode, kicks, and the
-- durable log of code updates between snapshots.

-- Each activation of a room claims the next epoch while it holds the room's lease. Every write
-- the room makes names its epoch and only lands while it is still the current one, so an owner
-- that lost its lease (paused, partitioned) can never overwrite what its successor wrote.
-- It lives in the database, not in Redis, so it keeps rising when Redis (or the embedded
-- in-process store) starts afresh; it also seeds the room's push `seq` (epoch * 2^32 + n).
ALTER TABLE dojos ADD COLUMN room_epoch bigint NOT NULL DEFAULT 0;
-- Classroom mode: only facilitators and participants with can_edit may change the code.
ALTER TABLE dojos ADD COLUMN classroom boolean NOT NULL DEFAULT false;

-- A kicked user stays out of the dojo, on whichever node the room lives next.
ALTER TABLE dojo_participants ADD COLUMN kicked_at timestamptz;

-- The last code update a snapshot includes: activation applies the snapshot, then the updates after it.
ALTER TABLE dojo_code_snapshots ADD COLUMN last_update_id bigint NOT NULL DEFAULT 0;
CREATE INDEX dojo_code_snapshots_epoch ON dojo_code_snapshots (dojo_id, fencing_token DESC, created DESC);

-- Yjs updates acknowledged since the last snapshot (one row per group commit). An acked edit is
-- here before the client hears "ok", so a SIGKILLed room loses nothing.
CREATE TABLE dojo_code_updates (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  epoch bigint NOT NULL,
  update_data bytea NOT NULL,
  update_count integer NOT NULL DEFAULT 1,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dojo_code_updates_dojo ON dojo_code_updates (dojo_id, id);

ALTER TABLE dojo_code_updates ENABLE ROW LEVEL SECURITY;
ALTER TABLE dojo_code_updates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dojo_code_updates USING (app_tenant_visible(tenant_id)) WITH CHECK (app_tenant_visible(tenant_id));
GRANT SELECT, INSERT, UPDATE, DELETE ON dojo_code_updates TO pocdojo_app;
GRANT USAGE, SELECT ON SEQUENCE dojo_code_updates_id_seq TO pocdojo_app;
