ALTER TABLE `audit_events` ADD `actor_kind` text;--> statement-breakpoint
-- The actor's kind is part of the entry: append-only like the action, and kept on erasure (it names no person).
DROP TRIGGER audit_events_anonymise_only;
--> statement-breakpoint
CREATE TRIGGER audit_events_anonymise_only BEFORE UPDATE ON audit_events
WHEN NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.action IS NOT OLD.action OR NEW.actor_kind IS NOT OLD.actor_kind
  OR (NEW.actor_user_id IS NOT NULL AND NEW.actor_user_id IS NOT OLD.actor_user_id)
  OR (NEW.practice_id IS NOT NULL AND NEW.practice_id IS NOT OLD.practice_id)
  OR (NEW.target_id IS NOT NULL AND NEW.target_id IS NOT OLD.target_id)
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
