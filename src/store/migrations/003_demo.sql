-- The demo's example orders, one per way an inquiry resolves (easy, intermediate, ugly), so
-- `wismo serve` and `wismo demo` can point people at them. Empty unless the demo was loaded.
CREATE TABLE demo_examples (
  label        text PRIMARY KEY,
  order_number text NOT NULL,
  email        text NOT NULL
);
