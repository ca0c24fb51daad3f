-- The trail of a data-subject request is append-only; notes may only be anonymised (set to NULL) on erasure.
CREATE TRIGGER rights_request_events_append_only BEFORE UPDATE ON rights_request_events
WHEN NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.at IS NOT OLD.at
  OR NEW.actor IS NOT OLD.actor OR NEW.action IS NOT OLD.action
  OR (NEW.note IS NOT NULL AND NEW.note IS NOT OLD.note)
BEGIN
  SELECT RAISE(ABORT, 'rights_request_events is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER incident_updates_append_only BEFORE UPDATE ON incident_updates
BEGIN
  SELECT RAISE(ABORT, 'incident_updates is append-only');
END;
