-- Staging must not mail real customers: a function that masks an address, and a trigger that masks
-- every address written from now on.
CREATE FUNCTION mask_email(address text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT 'user+' || md5(address) || '@example.invalid';
$$;

CREATE FUNCTION accounts_mask_email() RETURNS trigger
LANGUAGE plpgsql
AS $body$
BEGIN
    NEW.email := mask_email(NEW.email); -- a semicolon inside the body does not end the statement
    RETURN NEW;
END;
$body$;

CREATE TRIGGER accounts_mask_email BEFORE INSERT OR UPDATE OF email ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_mask_email();

UPDATE accounts SET email = mask_email(email);
