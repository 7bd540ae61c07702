-- API keys: only the SHA-256 of a key is stored; the key itself is shown once, when it is created.
CREATE TABLE IF NOT EXISTS vigil_api_keys (
  key_id       VARCHAR(40)  PRIMARY KEY,
  name         VARCHAR(200) NOT NULL,
  role         VARCHAR(16)  NOT NULL,
  agent_id     VARCHAR(200),
  token_sha256 CHAR(64)     NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  created_by   VARCHAR(40),
  revoked_at   TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX IF NOT EXISTS vigil_api_keys_token_idx ON vigil_api_keys (token_sha256);
