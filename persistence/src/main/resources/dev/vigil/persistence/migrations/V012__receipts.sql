-- Receipts copied from the journal by projections so they can be queried by chain (investigation:<id>, agent:<id>).
-- The shape agreed with the integrator; IF NOT EXISTS because another migration may create the same table first.
CREATE TABLE IF NOT EXISTS vigil_receipts (
  receipt_id VARCHAR(300) PRIMARY KEY,
  chain_id   VARCHAR(300) NOT NULL,
  sequence   BIGINT       NOT NULL,
  kind       VARCHAR(40)  NOT NULL,
  body_json  TEXT         NOT NULL,
  prev_hash  CHAR(64)     NOT NULL,
  hash       CHAR(64)     NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT vigil_receipts_chain_sequence UNIQUE (chain_id, sequence)
);
