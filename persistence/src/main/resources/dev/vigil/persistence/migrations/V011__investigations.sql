-- The investigations read model (GET /v1/investigations?state=&agent=), kept by the "investigations" projection.
CREATE TABLE IF NOT EXISTS vigil_investigations (
  investigation_id VARCHAR(128)  PRIMARY KEY,
  agent_id         VARCHAR(128)  NOT NULL,
  state            VARCHAR(32)   NOT NULL,
  phase            VARCHAR(32),
  job_name         VARCHAR(200),
  outcome          VARCHAR(32),
  reason           VARCHAR(1000),
  queue_position   INTEGER       NOT NULL,
  decisions        INTEGER       NOT NULL,
  requested_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  launched_at      TIMESTAMP WITH TIME ZONE,
  ended_at         TIMESTAMP WITH TIME ZONE,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS vigil_investigations_state_idx ON vigil_investigations (state, requested_at);
CREATE INDEX IF NOT EXISTS vigil_investigations_agent_idx ON vigil_investigations (agent_id, requested_at);
