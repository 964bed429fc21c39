-- Registration checks and sub-customer creation refuse the names of cloud
-- accounts and IAM users, whatever their case: they look them up by their
-- lower-case form. SQLite's lower() folds ASCII letters only, as
-- PostgreSQL's does under the "C" collation.
CREATE INDEX accounts_name_lower ON accounts (lower(name));
CREATE INDEX iam_users_name_lower ON iam_users (lower(name));
