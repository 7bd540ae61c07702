-- Approvals of escalated decisions: the request (for re-evaluation), who may approve, how many, until when, and the votes.
CREATE TABLE IF NOT EXISTS vigil_approvals (
  approval_id        VARCHAR(40)  PRIMARY KEY,
  agent_id           VARCHAR(200) NOT NULL,
  action             VARCHAR(512) NOT NULL,
  request_json       TEXT         NOT NULL,
  decision_receipt   VARCHAR(300),
  policy_id          VARCHAR(200),
  policy_version     VARCHAR(100),
  rule_id            VARCHAR(200),
  reason             TEXT,
  approvers          TEXT         NOT NULL,
  required_approvals INTEGER      NOT NULL,
  state              VARCHAR(16)  NOT NULL,
  final_decision     VARCHAR(16),
  final_reason       TEXT,
  final_receipt      VARCHAR(300),
  created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  closed_at          TIMESTAMP WITH TIME ZONE
);
CREATE INDEX IF NOT EXISTS vigil_approvals_state_idx ON vigil_approvals (state, created_at);
CREATE TABLE IF NOT EXISTS vigil_approval_votes (
  approval_id  VARCHAR(40)  NOT NULL,
  voter_key_id VARCHAR(40)  NOT NULL,
  voter_name   VARCHAR(200) NOT NULL,
  vote         VARCHAR(8)   NOT NULL,
  comment      TEXT,
  voted_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (approval_id, voter_key_id)
);
