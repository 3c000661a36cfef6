-- The sample migration set `make run` applies to the restored staging database and `make package`
-- puts in the migrations layer. Replace it with your own: MIGRATIONS=path/to/dir make package.
CREATE TABLE accounts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE accounts IS 'one row per customer; staging holds a copy of production''s';
