CREATE TABLE `appointment_slots` (
	`practice_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`appointment_id` text NOT NULL,
	PRIMARY KEY(`practice_id`, `bucket`),
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `appointment_types` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`name` text NOT NULL,
	`duration_min` integer NOT NULL,
	`buffer_before_min` integer DEFAULT 0 NOT NULL,
	`buffer_after_min` integer DEFAULT 0 NOT NULL,
	`min_notice_min` integer DEFAULT 720 NOT NULL,
	`horizon_days` integer DEFAULT 60 NOT NULL,
	`mode` text NOT NULL,
	`price_text` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `appointment_types_practice_idx` ON `appointment_types` (`practice_id`);--> statement-breakpoint
CREATE TABLE `appointments` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`client_id` text NOT NULL,
	`type_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`status` text NOT NULL,
	`sequence` integer DEFAULT 0 NOT NULL,
	`manage_token_hash` text NOT NULL,
	`access_code_hash` text,
	`consent_record_id` text,
	`reminder_sent_at` integer,
	`cancelled_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`type_id`) REFERENCES `appointment_types`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `appointments_manage_token_hash_unique` ON `appointments` (`manage_token_hash`);--> statement-breakpoint
CREATE INDEX `appointments_practice_start_idx` ON `appointments` (`practice_id`,`start_at`);--> statement-breakpoint
CREATE INDEX `appointments_client_idx` ON `appointments` (`client_id`);--> statement-breakpoint
CREATE TABLE `availability_exceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`date` text NOT NULL,
	`kind` text NOT NULL,
	`start_minute` integer,
	`end_minute` integer,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `availability_exceptions_practice_idx` ON `availability_exceptions` (`practice_id`,`date`);--> statement-breakpoint
CREATE TABLE `calendar_feeds` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`include_names` integer DEFAULT false NOT NULL,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calendar_feeds_token_hash_unique` ON `calendar_feeds` (`token_hash`);--> statement-breakpoint
CREATE TABLE `clients` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`display_name` text NOT NULL,
	`email` text,
	`active` integer DEFAULT true NOT NULL,
	`restricted_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clients_practice_email_uq` ON `clients` (`practice_id`,`email`);--> statement-breakpoint
CREATE TABLE `consent_records` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`client_id` text,
	`seq` integer NOT NULL,
	`kind` text NOT NULL,
	`purposes` text NOT NULL,
	`terms_version` integer NOT NULL,
	`terms_sha256` text NOT NULL,
	`method` text NOT NULL,
	`at` integer NOT NULL,
	`content_hash` text NOT NULL,
	`prev_hash` text,
	`record_hash` text,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consent_records_practice_seq_uq` ON `consent_records` (`practice_id`,`seq`);--> statement-breakpoint
CREATE INDEX `consent_records_client_idx` ON `consent_records` (`client_id`);--> statement-breakpoint
CREATE TABLE `note_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`kdf` text NOT NULL,
	`wrapped_by_passphrase` text NOT NULL,
	`wrapped_by_recovery` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `session_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`client_id` text NOT NULL,
	`appointment_id` text,
	`key_id` text NOT NULL,
	`iv` text NOT NULL,
	`ciphertext` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `session_notes_client_idx` ON `session_notes` (`practice_id`,`client_id`);--> statement-breakpoint
CREATE TABLE `terms_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`version` integer NOT NULL,
	`text` text NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `terms_versions_practice_version_uq` ON `terms_versions` (`practice_id`,`version`);--> statement-breakpoint
ALTER TABLE `practices` ADD `contact_email` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `practices` ADD `cancellation_notice_hours` integer DEFAULT 24 NOT NULL;--> statement-breakpoint
ALTER TABLE `practices` ADD `consent_head_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `practices` ADD `consent_head_hash` text;