-- The change feed reaches two more read models (docs/architecture.md,
-- "Read models and the change feed"): registration checks of e-mail
-- addresses and mobile numbers, and the access codes of small tenants.
-- Both hold answers for values nobody has yet (a free address, a tenant
-- without codes), so creations are changes too.

-- A check of an e-mail address is answered by whether a customer has its
-- blind index; keyed by that digest in hex.
CREATE TRIGGER customers_email_created AFTER INSERT ON customers WHEN NEW.email_key IS NOT NULL
BEGIN INSERT INTO changes (kind, key) VALUES ('customer_email', lower(hex(NEW.email_key))); END;
CREATE TRIGGER customers_email_changed AFTER UPDATE OF email_key ON customers
BEGIN
    INSERT INTO changes (kind, key) SELECT 'customer_email', lower(hex(OLD.email_key)) WHERE OLD.email_key IS NOT NULL;
    INSERT INTO changes (kind, key) SELECT 'customer_email', lower(hex(NEW.email_key)) WHERE NEW.email_key IS NOT NULL;
END;
CREATE TRIGGER customers_email_deleted AFTER DELETE ON customers WHEN OLD.email_key IS NOT NULL
BEGIN INSERT INTO changes (kind, key) VALUES ('customer_email', lower(hex(OLD.email_key))); END;

-- A check of a mobile number is answered by its count of accounts.
CREATE TRIGGER customer_mobiles_created AFTER INSERT ON customer_mobiles
BEGIN INSERT INTO changes (kind, key) VALUES ('customer_mobile', lower(hex(NEW.mobile_key))); END;
CREATE TRIGGER customer_mobiles_changed AFTER UPDATE ON customer_mobiles
BEGIN INSERT INTO changes (kind, key) VALUES ('customer_mobile', lower(hex(NEW.mobile_key))); END;
CREATE TRIGGER customer_mobiles_deleted AFTER DELETE ON customer_mobiles
BEGIN INSERT INTO changes (kind, key) VALUES ('customer_mobile', lower(hex(OLD.mobile_key))); END;

-- A tenant's access codes, keyed by the tenant. Creations are seen
-- through access_code_counts, which every creation and deletion updates
-- in its transaction once per media type and statement: an import of
-- 100,000 codes adds a few rows here, not 100,000. Updates and deletions
-- of a row are seen on the row as well.
CREATE TRIGGER access_code_counts_created AFTER INSERT ON access_code_counts
BEGIN INSERT INTO changes (kind, key) VALUES ('access_codes', NEW.tenant_id); END;
CREATE TRIGGER access_code_counts_changed AFTER UPDATE ON access_code_counts
BEGIN INSERT INTO changes (kind, key) VALUES ('access_codes', NEW.tenant_id); END;
CREATE TRIGGER access_code_counts_deleted AFTER DELETE ON access_code_counts
BEGIN INSERT INTO changes (kind, key) VALUES ('access_codes', OLD.tenant_id); END;
CREATE TRIGGER access_codes_changed AFTER UPDATE ON access_codes
BEGIN INSERT INTO changes (kind, key) VALUES ('access_codes', NEW.tenant_id); END;
CREATE TRIGGER access_codes_deleted AFTER DELETE ON access_codes
BEGIN INSERT INTO changes (kind, key) VALUES ('access_codes', OLD.tenant_id); END;
