-- Supplier feed profiles (DESIGN.md "Supplier feed profiles"; docs/formats.md): how one
-- supplier's own CSV or XLSX maps onto wismo's status feed or offers rows. One per supplier.
CREATE TABLE supplier_profiles (
  supplier_id text PRIMARY KEY REFERENCES suppliers ON DELETE CASCADE,
  -- The profile's JSON as set, checked by ProfileSchema (src/feeds/profiles/profile-schema.ts);
  -- text, not jsonb, so its columns and words keep the order the author gave them.
  profile     text NOT NULL,
  updated_at  timestamptz NOT NULL
);
