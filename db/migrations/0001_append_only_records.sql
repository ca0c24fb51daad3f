-- Consent, agreement and audit records are append-only (Art. 5(2), 7(1) GDPR): the database itself refuses edits.
CREATE TRIGGER dpa_acceptances_no_update BEFORE UPDATE ON dpa_acceptances
BEGIN
  SELECT RAISE(ABORT, 'dpa_acceptances is append-only');
END;
--> statement-breakpoint
-- Audit entries may only lose their references (anonymisation on erasure); nothing else may change.
CREATE TRIGGER audit_events_anonymise_only BEFORE UPDATE ON audit_events
WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action
  OR (NEW.actor_user_id IS NOT NULL AND NEW.actor_user_id IS NOT OLD.actor_user_id)
  OR (NEW.practice_id IS NOT NULL AND NEW.practice_id IS NOT OLD.practice_id)
  OR (NEW.target_id IS NOT NULL AND NEW.target_id IS NOT OLD.target_id)
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
--> statement-breakpoint
-- Audit entries are deleted only once their six-year retention has passed.
CREATE TRIGGER audit_events_no_early_delete BEFORE DELETE ON audit_events
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER) - 6 * 366 * 86400) * 1000
BEGIN
  SELECT RAISE(ABORT, 'audit_events are kept for six years');
END;
