-- The change feed reaches two more read models (docs/architecture.md,
-- "Read models and the change feed"): registration checks of e-mail
-- addresses and mobile numbers, and the access codes of small tenants.
-- Both hold answers for values nobody has yet (a free address, a tenant
-- without codes), so creations are changes too.

-- A check of an e-mail address is answered by whether a customer has its
-- blind index; keyed by that digest in hex.
CREATE FUNCTION aiccd_notify_customer_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.email_key IS NOT NULL THEN
        PERFORM pg_notify('aiccd_changes', 'customer_email ' || encode(OLD.email_key, 'hex'));
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.email_key IS NOT NULL THEN
        PERFORM pg_notify('aiccd_changes', 'customer_email ' || encode(NEW.email_key, 'hex'));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER customers_email_changed AFTER INSERT OR DELETE OR UPDATE OF email_key ON customers
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_customer_email();

-- A check of a mobile number is answered by its count of accounts.
CREATE FUNCTION aiccd_notify_customer_mobile() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('aiccd_changes', 'customer_mobile ' || encode(OLD.mobile_key, 'hex'));
    ELSE
        PERFORM pg_notify('aiccd_changes', 'customer_mobile ' || encode(NEW.mobile_key, 'hex'));
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER customer_mobiles_changed AFTER INSERT OR UPDATE OR DELETE ON customer_mobiles
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_customer_mobile();

-- A tenant's access codes, keyed by the tenant. Creations are seen
-- through access_code_counts, which every creation and deletion updates
-- in its transaction once per media type and statement; updates and
-- deletions of a row are seen on the row as well. PostgreSQL sends a
-- notification repeated within one transaction once.
CREATE TRIGGER access_code_counts_changed AFTER INSERT OR UPDATE OR DELETE ON access_code_counts
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('access_codes', 'tenant_id');
CREATE TRIGGER access_codes_changed AFTER UPDATE OR DELETE ON access_codes
    FOR EACH ROW EXECUTE FUNCTION aiccd_notify_change('access_codes', 'tenant_id');
