-- Registration checks and sub-customer creation refuse the names of cloud
-- accounts and IAM users, whatever their case: they look them up by their
-- lower-case form. lower() under the "C" collation folds ASCII letters
-- only, as SQLite's does, whatever the database's locale.
CREATE INDEX accounts_name_lower ON accounts (lower(name COLLATE "C"));
CREATE INDEX iam_users_name_lower ON iam_users (lower(name COLLATE "C"));
