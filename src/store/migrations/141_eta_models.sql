-- Truthful dates (DESIGN.md): the learned ETA model, recomputed nightly from the history known
-- that night (src/domain/estimate/learn.ts). One model per store day; a lookup uses the latest
-- computed at or before its clock, so a past clock never sees a later model.
CREATE TABLE eta_models (
  model_id    bigserial PRIMARY KEY,
  as_of       date NOT NULL UNIQUE,
  computed_at timestamptz NOT NULL,
  target      double precision NOT NULL,
  -- sha256 of the model's JSON: processes keep a model in memory by it.
  digest      text NOT NULL,
  model       jsonb NOT NULL
);
CREATE INDEX eta_models_computed ON eta_models (computed_at);

-- What a learned ETA was learned from (DESIGN.md "ETA": `basis`), as stated: calibration reads
-- which windows the model made.
ALTER TABLE line_state_history ADD COLUMN eta_basis text;

-- Learning reads shipments and deliveries by when they happened.
CREATE INDEX shipments_shipped_at ON shipments (shipped_at);
