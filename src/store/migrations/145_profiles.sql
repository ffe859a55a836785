-- Supplier feed profiles (DESIGN.md "Supplier feed profiles"; docs/formats.md): how one
-- supplier's own CSV or XLSX maps onto wismo's status feed or offers rows. One per supplier.
CREATE TABLE supplier_profiles (
  supplier_id text PRIMARY KEY REFERENCES suppliers ON DELETE CASCADE,
  -- The profile as set, checked by ProfileSchema (src/feeds/profiles/profile-schema.ts).
  profile     jsonb NOT NULL,
  updated_at  timestamptz NOT NULL
);
