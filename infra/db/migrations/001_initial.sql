-- The first schema: every table of DESIGN §7. tenant_id on every tenant-owned table;
-- row-level security is enabled per table in 002.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE tenants (
  id uuid PRIMARY KEY,
  name varchar(100) NOT NULL,
  slug varchar(40) NOT NULL,
  status char(1) NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'S')),
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX tenants_slug_key ON tenants (lower(slug));

CREATE TABLE users (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  username varchar(15) NOT NULL,
  email varchar(50) NOT NULL,
  first_name varchar(30) NOT NULL,
  last_name varchar(30) NOT NULL,
  password_hash text NOT NULL,
  status char(1) NOT NULL DEFAULT 'C' CHECK (status IN ('C', 'A', 'D')),
  role varchar(12) NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'facilitator', 'member')),
  picture_key text,
  friends_request varchar(8) NOT NULL DEFAULT 'ANYONE' CHECK (friends_request IN ('NO_ONE', 'ANYONE')),
  notification_prefs jsonb NOT NULL DEFAULT '{}'::jsonb,
  presence varchar(8) NOT NULL DEFAULT 'OFFLINE' CHECK (presence IN ('ONLINE', 'OFFLINE')),
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_tenant_username_key ON users (tenant_id, lower(username));
CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email));

CREATE TABLE account_tokens (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose varchar(16) NOT NULL CHECK (purpose IN ('confirm', 'reset')),
  token_hash char(64) NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user ON account_tokens (tenant_id, user_id);

CREATE TABLE sessions (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent varchar(200),
  ip varchar(64),
  created timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id) WHERE revoked_at IS NULL;

-- Refresh tokens rotate inside a family (= the session); reuse of a rotated one revokes the family.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  token_hash char(64) NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  rotated_at timestamptz,
  revoked_at timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type varchar(40) NOT NULL,
  title varchar(200) NOT NULL,
  body text NOT NULL DEFAULT '',
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Producers pass a key so a redelivered event never notifies twice.
  dedupe_key varchar(200),
  read_at timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_user_newest ON notifications (tenant_id, user_id, created DESC);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (tenant_id, dedupe_key) WHERE dedupe_key IS NOT NULL;

CREATE TABLE billing (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  plan char(1) CHECK (plan IN ('M', 'Y')),
  price numeric(12, 2),
  currency char(3) NOT NULL DEFAULT 'USD',
  expiration timestamptz,
  autorenew boolean NOT NULL DEFAULT false,
  updated timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  total numeric(12, 2) NOT NULL CHECK (total > 0),
  currency char(3) NOT NULL DEFAULT 'USD',
  payment_gateway varchar(30) NOT NULL,
  plan char(1) NOT NULL CHECK (plan IN ('M', 'Y')),
  status varchar(10) NOT NULL CHECK (status IN ('APPROVED', 'DECLINED', 'PENDING')),
  gateway_ref varchar(100),
  decline_reason varchar(200),
  idempotency_key varchar(100) NOT NULL,
  request_hash char(64) NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX payments_idempotency ON payments (tenant_id, idempotency_key);
CREATE INDEX payments_tenant_created ON payments (tenant_id, created DESC);

CREATE TABLE pocs (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users (id),
  name varchar(100) NOT NULL,
  description text NOT NULL DEFAULT '',
  repo_url varchar(255) NOT NULL,
  language varchar(50) NOT NULL,
  language_key varchar(50) NOT NULL,
  is_public boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pocs_tenant_created ON pocs (tenant_id, created DESC) WHERE deleted_at IS NULL;
CREATE INDEX pocs_tenant_language ON pocs (tenant_id, language_key) WHERE deleted_at IS NULL;
CREATE INDEX pocs_tenant_owner ON pocs (tenant_id, owner_id) WHERE deleted_at IS NULL;
CREATE INDEX pocs_name_trgm ON pocs USING gin (name gin_trgm_ops);
CREATE INDEX pocs_description_trgm ON pocs USING gin (description gin_trgm_ops);

CREATE TABLE poc_tags (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  poc_id uuid NOT NULL REFERENCES pocs (id) ON DELETE CASCADE,
  tag varchar(50) NOT NULL,
  tag_key varchar(50) NOT NULL,
  PRIMARY KEY (poc_id, tag_key)
);
CREATE INDEX poc_tags_tenant_key ON poc_tags (tenant_id, tag_key);

CREATE TABLE poc_frameworks (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  poc_id uuid NOT NULL REFERENCES pocs (id) ON DELETE CASCADE,
  framework varchar(50) NOT NULL,
  framework_key varchar(50) NOT NULL,
  PRIMARY KEY (poc_id, framework_key)
);
CREATE INDEX poc_frameworks_tenant_key ON poc_frameworks (tenant_id, framework_key);

CREATE TABLE poc_favorites (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  poc_id uuid NOT NULL REFERENCES pocs (id) ON DELETE CASCADE,
  created timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, poc_id)
);
CREATE INDEX poc_favorites_tenant_user ON poc_favorites (tenant_id, user_id);

CREATE TABLE dojos (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  facilitator_id uuid NOT NULL REFERENCES users (id),
  subject varchar(200) NOT NULL,
  language varchar(50),
  dojo_date timestamptz NOT NULL,
  status varchar(10) NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'ACTIVE', 'COMPLETED', 'CANCELLED')),
  join_code varchar(12) NOT NULL,
  max_participants integer NOT NULL DEFAULT 50 CHECK (max_participants BETWEEN 2 AND 1000),
  started_at timestamptz,
  ended_at timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dojos_join_code ON dojos (tenant_id, join_code);
CREATE INDEX dojos_tenant_status ON dojos (tenant_id, status, dojo_date DESC);

CREATE TABLE dojo_participants (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role varchar(12) NOT NULL DEFAULT 'participant' CHECK (role IN ('facilitator', 'participant', 'observer')),
  can_edit boolean NOT NULL DEFAULT true,
  invited_at timestamptz NOT NULL DEFAULT now(),
  first_joined_at timestamptz,
  last_left_at timestamptz,
  seconds_present integer NOT NULL DEFAULT 0,
  PRIMARY KEY (dojo_id, user_id)
);
CREATE INDEX dojo_participants_user ON dojo_participants (tenant_id, user_id);

CREATE TABLE dojo_chat_messages (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  client_msg_id varchar(64) NOT NULL,
  text varchar(2000) NOT NULL,
  status char(1) NOT NULL DEFAULT 'A' CHECK (status IN ('A', 'R')),
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now()
);
-- Idempotency of chat.send survives redelivery through the durable queue.
CREATE UNIQUE INDEX dojo_chat_client_msg ON dojo_chat_messages (dojo_id, user_id, client_msg_id);
CREATE INDEX dojo_chat_room_created ON dojo_chat_messages (tenant_id, dojo_id, created);

CREATE TABLE dojo_code_snapshots (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  state bytea NOT NULL,
  text_preview text NOT NULL DEFAULT '',
  update_count integer NOT NULL DEFAULT 0,
  fencing_token bigint NOT NULL DEFAULT 0,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dojo_code_snapshots_latest ON dojo_code_snapshots (tenant_id, dojo_id, created DESC);

CREATE TABLE recordings (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  dojo_id uuid NOT NULL REFERENCES dojos (id) ON DELETE CASCADE,
  status varchar(10) NOT NULL DEFAULT 'RECORDING' CHECK (status IN ('RECORDING', 'UPLOADING', 'READY', 'FAILED')),
  object_key text,
  mime_type varchar(50),
  size_bytes bigint,
  duration_ms integer,
  error text,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_dojo ON recordings (tenant_id, dojo_id, started_at DESC);

CREATE TABLE reports (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id),
  type varchar(10) NOT NULL CHECK (type IN ('ANNUAL', 'BILLING')),
  year integer,
  format varchar(4) NOT NULL CHECK (format IN ('pdf', 'csv', 'html')),
  status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  object_key text,
  size_bytes bigint,
  error text,
  attempts smallint NOT NULL DEFAULT 0,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX reports_tenant_created ON reports (tenant_id, created DESC);

-- The yearly POC videos ("content requests" in the original model).
CREATE TABLE content_requests (
  id uuid PRIMARY KEY,
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  year integer NOT NULL,
  status varchar(10) NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  object_key text,
  thumbnail_key text,
  size_bytes bigint,
  duration_ms integer,
  error text,
  attempts smallint NOT NULL DEFAULT 0,
  deleted_at timestamptz,
  created timestamptz NOT NULL DEFAULT now(),
  updated timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
-- One live video per user and year: the yearly batch is idempotent on it.
CREATE UNIQUE INDEX content_requests_user_year ON content_requests (tenant_id, user_id, year) WHERE deleted_at IS NULL;
