-- Whether a product's family sells sizes that stand in for each other (a pack, a length) or
-- fitted sizes (a shoe, a shirt). Default false: alternatives never cross a fitted size.
ALTER TABLE products ADD COLUMN size_interchangeable boolean NOT NULL DEFAULT false;
