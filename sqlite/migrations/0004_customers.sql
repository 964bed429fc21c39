-- The partner customer directory. Values are normalised once, when
-- written, so that a registration check is one indexed lookup: name_key
-- is the name in lower case; e-mail addresses and mobile numbers are
-- personal data, sealed with the master key and found by keyed digests of
-- their normalised form (blind indexes).

CREATE TABLE customers (
    id            TEXT    PRIMARY KEY,
    partner_id    TEXT    NOT NULL REFERENCES accounts (id),
    name          TEXT    NOT NULL,
    name_key      TEXT    NOT NULL,
    email_key     BLOB,
    sealed_email  BLOB,
    mobile_key    BLOB,
    sealed_mobile BLOB,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX customers_name_key ON customers (name_key);
CREATE UNIQUE INDEX customers_email_key ON customers (email_key);
CREATE INDEX customers_partner ON customers (partner_id, name_key);

-- How many customers share each mobile number. Creations take a place by
-- updating the row, which keeps the number's limit however many run at
-- once; a check reads the count by primary key.
CREATE TABLE customer_mobiles (
    mobile_key BLOB    PRIMARY KEY,
    accounts   INTEGER NOT NULL CHECK (accounts >= 0)
) STRICT, WITHOUT ROWID;
