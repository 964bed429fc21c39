-- The partner customer directory. Values are normalised once, when
-- written, so that a registration check is one indexed lookup: name_key
-- is the name in lower case; e-mail addresses and mobile numbers are
-- personal data, sealed with the master key and found by keyed digests of
-- their normalised form (blind indexes).

CREATE TABLE customers (
    id            text        PRIMARY KEY,
    partner_id    text        NOT NULL REFERENCES accounts (id),
    name          text        NOT NULL,
    name_key      text        COLLATE "C" NOT NULL, -- byte order, as SQLite sorts
    email_key     bytea,
    sealed_email  bytea,
    mobile_key    bytea,
    sealed_mobile bytea,
    password_hash text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX customers_name_key ON customers (name_key);
CREATE UNIQUE INDEX customers_email_key ON customers (email_key);
CREATE INDEX customers_partner ON customers (partner_id, name_key);

-- How many customers share each mobile number. Creations take a place by
-- updating the row, which keeps the number's limit however many run at
-- once; a check reads the count by primary key.
CREATE TABLE customer_mobiles (
    mobile_key bytea   PRIMARY KEY,
    accounts   integer NOT NULL CHECK (accounts >= 0)
);
