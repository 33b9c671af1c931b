-- Reason: a console session opened by single sign-on acts for a person directly, without one of their API keys.

-- A session opened with an API key acts through that key (revoking it ends the session); one opened by single
-- sign-on acts for its person (deactivating them ends it). Exactly one of the two. The table holds a row per signed-in
-- browser, so checking the constraint at once costs nothing worth a NOT VALID step.
ALTER TABLE console_sessions ALTER COLUMN key_id DROP NOT NULL;
ALTER TABLE console_sessions ADD COLUMN principal_id uuid REFERENCES principals (id) ON DELETE CASCADE;
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_acts_through_one
    CHECK (num_nonnulls(key_id, principal_id) = 1);
CREATE INDEX console_sessions_principal ON console_sessions (principal_id) WHERE principal_id IS NOT NULL;
