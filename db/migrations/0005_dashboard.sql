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
ALTER TABLE `clients` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `clients` ADD `restricted_at` integer;