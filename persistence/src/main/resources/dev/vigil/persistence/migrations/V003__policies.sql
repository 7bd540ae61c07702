-- Policies: every uploaded version is kept; a head row says which revision is active and which is the shadow candidate.
CREATE TABLE IF NOT EXISTS vigil_policy_versions (
  policy_id        VARCHAR(200) NOT NULL,
  revision         INTEGER      NOT NULL,
  declared_version VARCHAR(100) NOT NULL,
  format           VARCHAR(16)  NOT NULL,
  sha256           CHAR(64)     NOT NULL,
  source           TEXT         NOT NULL,
  uploaded_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  uploaded_by      VARCHAR(40),
  PRIMARY KEY (policy_id, revision)
);
CREATE TABLE IF NOT EXISTS vigil_policy_heads (
  policy_id       VARCHAR(200) PRIMARY KEY,
  active_revision INTEGER,
  shadow_revision INTEGER,
  updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
-- one row: bumped by every activation, so nodes can tell whether their snapshot is current
CREATE TABLE IF NOT EXISTS vigil_policy_generation (
  id         INTEGER PRIMARY KEY,
  generation BIGINT  NOT NULL
);
INSERT INTO vigil_policy_generation (id, generation) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM vigil_policy_generation WHERE id = 1);
-- shadow evaluation: decisions on which the candidate disagreed with the active policy
CREATE TABLE IF NOT EXISTS vigil_shadow_disagreements (
  id               VARCHAR(40)  PRIMARY KEY,
  policy_id        VARCHAR(200) NOT NULL,
  shadow_revision  INTEGER      NOT NULL,
  agent_id         VARCHAR(200) NOT NULL,
  action           VARCHAR(200) NOT NULL,
  active_effect    VARCHAR(16)  NOT NULL,
  active_rule      VARCHAR(200),
  shadow_effect    VARCHAR(16)  NOT NULL,
  shadow_rule      VARCHAR(200),
  decided_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS vigil_shadow_disagreements_policy_idx ON vigil_shadow_disagreements (policy_id, shadow_revision);
CREATE TABLE IF NOT EXISTS vigil_shadow_counts (
  policy_id       VARCHAR(200) NOT NULL,
  shadow_revision INTEGER      NOT NULL,
  evaluated       BIGINT       NOT NULL,
  disagreed       BIGINT       NOT NULL,
  PRIMARY KEY (policy_id, shadow_revision)
);
