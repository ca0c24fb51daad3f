-- Consent records are append-only (Art. 7(1) GDPR): a withdrawal is a new record, never an edit.
CREATE TRIGGER consent_records_no_update BEFORE UPDATE ON consent_records
BEGIN
  SELECT RAISE(ABORT, 'consent_records is append-only');
END;
--> statement-breakpoint
-- Terms versions are never edited: a change of the terms is a new version.
CREATE TRIGGER terms_versions_no_update BEFORE UPDATE ON terms_versions
BEGIN
  SELECT RAISE(ABORT, 'terms_versions is append-only');
END;
