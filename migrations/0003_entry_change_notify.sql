-- Reason: API processes cache rendered published entries; every change to an entry row tells them which to drop.
CREATE FUNCTION notify_entry_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('canon_entry_changed', NEW.kind || ':' || NEW.slug);
    RETURN NULL;
END;
$$;
CREATE TRIGGER entries_changed AFTER INSERT OR UPDATE ON entries FOR EACH ROW EXECUTE FUNCTION notify_entry_changed();
