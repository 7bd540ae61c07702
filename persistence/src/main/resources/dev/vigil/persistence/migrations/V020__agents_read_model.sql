-- The agents read model (GET /v1/agents?phase=) and monitoring alerts (GET /v1/alerts?agent=&since=), kept by the
-- "agents" projection from the Agent entities' journal (the source of truth).
CREATE TABLE IF NOT EXISTS vigil_agents (
  agent_id          VARCHAR(128)  PRIMARY KEY,
  display_name      VARCHAR(200)  NOT NULL,
  phase             VARCHAR(32)   NOT NULL,
  registered_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  phase_entered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  alerts            INTEGER       NOT NULL,
  last_alert_at     TIMESTAMP WITH TIME ZONE,
  updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS vigil_agents_phase_idx ON vigil_agents (phase, agent_id);

CREATE TABLE IF NOT EXISTS vigil_agent_alerts (
  alert_id   VARCHAR(300)   PRIMARY KEY,
  agent_id   VARCHAR(128)   NOT NULL,
  metric     VARCHAR(32)    NOT NULL,
  method     VARCHAR(32)    NOT NULL,
  severity   VARCHAR(16)    NOT NULL,
  expected   DOUBLE PRECISION NOT NULL,
  observed   DOUBLE PRECISION NOT NULL,
  threshold  DOUBLE PRECISION NOT NULL,
  message    VARCHAR(1000)  NOT NULL,
  raised_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS vigil_agent_alerts_agent_idx ON vigil_agent_alerts (agent_id, raised_at);
CREATE INDEX IF NOT EXISTS vigil_agent_alerts_time_idx ON vigil_agent_alerts (raised_at);
