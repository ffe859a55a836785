-- The console's search box (issue 16): order number, email, phone, name or postal code, each
-- answered by an index range, never a scan of orders or customers (plans checked in
-- test/store/search.test.ts, timed in bench/search.ts). Plain btree and GIN: no pg_trgm, which
-- a PGlite data folder does not load by default.

-- Order numbers as reps type them: any case, '#', spaces, dashes. Prefix ranges use
-- text_pattern_ops (byte order, whatever the database's collation).
CREATE INDEX orders_number_search ON orders (upper(regexp_replace(order_number, '[^A-Za-z0-9]', '', 'g')) text_pattern_ops);
-- Postal codes the same way ("SW1A 1AA" = "sw1a1aa"; "30301" finds "30301-1234").
CREATE INDEX orders_postal_search ON orders (upper(regexp_replace(postal_code, '[^A-Za-z0-9]', '', 'g')) text_pattern_ops)
  WHERE postal_code IS NOT NULL;
-- Email by prefix (customers_email serves equality only under the database's collation).
CREATE INDEX customers_email_search ON customers (lower(email) text_pattern_ops) WHERE email IS NOT NULL;
-- Any word of a name by its first letters ("fiel" finds Dana Fields).
CREATE INDEX customers_name_words ON customers USING gin (to_tsvector('simple'::regconfig, coalesce(name, '')));
-- A phone by its last ten digits is customers_phone_digits (050).
