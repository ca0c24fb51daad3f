-- Consent records are append-only (Art. 7(1) GDPR): a withdrawal is a new record, never an edit. Two changes are
-- allowed: sealing (filling prev_hash and record_hash once, while empty) and redaction on erasure (client_id set to
-- NULL, which the foreign key does when a client is deleted). The content hash keeps the evidence verifiable.
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
WHEN (OLD.record_hash IS NOT NULL AND (NEW.record_hash IS NOT OLD.record_hash OR NEW.prev_hash IS NOT OLD.prev_hash))
  OR (NEW.client_id IS NOT NULL AND NEW.client_id IS NOT OLD.client_id)
  OR NEW.id IS NOT OLD.id OR NEW.practice_id IS NOT OLD.practice_id OR NEW.seq IS NOT OLD.seq
  OR NEW.kind IS NOT OLD.kind OR NEW.purposes IS NOT OLD.purposes OR NEW.content_hash IS NOT OLD.content_hash
  OR NEW.terms_version IS NOT OLD.terms_version OR NEW.terms_sha256 IS NOT OLD.terms_sha256
  OR NEW.method IS NOT OLD.method OR NEW.at IS NOT OLD.at
BEGIN
  SELECT RAISE(ABORT, 'consent_records is append-only');
END;
--> statement-breakpoint
-- Terms versions are never edited: a change of the terms is a new version.
CREATE TRIGGER terms_versions_no_update BEFORE UPDATE ON terms_versions
BEGIN
  SELECT RAISE(ABORT, 'terms_versions is append-only');
END;
