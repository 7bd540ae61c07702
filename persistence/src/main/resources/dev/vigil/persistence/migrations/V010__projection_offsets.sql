-- Projections (actors/.../projection/ProjectionRunner): the last journal offset each projection has applied per tag,
-- written in the same transaction as the read-model rows it produced, so every event is applied exactly once.
CREATE TABLE IF NOT EXISTS vigil_projection_offsets (
  projection_name VARCHAR(100) NOT NULL,
  tag             VARCHAR(100) NOT NULL,
  last_offset     BIGINT       NOT NULL,
  updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (projection_name, tag)
);
