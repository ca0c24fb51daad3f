-- Pending holds of public bookings (issue 11, items 1, 3, 6). drizzle-kit's rebuild of appointment_slots selected the
-- new column from the old table and qualified the CHECK with the temporary name; both fixed by hand before first use.
CREATE TABLE `booking_hold_gates` (
	`practice_id` text PRIMARY KEY NOT NULL,
	`pending` integer NOT NULL,
	`last_hour` integer NOT NULL,
	`max_pending` integer NOT NULL,
	`max_per_hour` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "booking_hold_gates_within_limit" CHECK("booking_hold_gates"."pending" <= "booking_hold_gates"."max_pending" AND "booking_hold_gates"."last_hour" <= "booking_hold_gates"."max_per_hour")
);
--> statement-breakpoint
CREATE TABLE `booking_holds` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`type_id` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`reminders` integer NOT NULL,
	`terms_version` integer NOT NULL,
	`terms_sha256` text NOT NULL,
	`method` text NOT NULL,
	`locale` text NOT NULL,
	`token_hash` text NOT NULL,
	`status` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`type_id`) REFERENCES `appointment_types`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `booking_holds_token_hash_unique` ON `booking_holds` (`token_hash`);--> statement-breakpoint
CREATE INDEX `booking_holds_practice_created_idx` ON `booking_holds` (`practice_id`,`created_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_appointment_slots` (
	`practice_id` text NOT NULL,
	`bucket` integer NOT NULL,
	`appointment_id` text,
	`hold_id` text,
	PRIMARY KEY(`practice_id`, `bucket`),
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`hold_id`) REFERENCES `booking_holds`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "appointment_slots_one_owner" CHECK((`appointment_id` IS NULL) <> (`hold_id` IS NULL))
);
--> statement-breakpoint
INSERT INTO `__new_appointment_slots`("practice_id", "bucket", "appointment_id", "hold_id") SELECT "practice_id", "bucket", "appointment_id", NULL FROM `appointment_slots`;--> statement-breakpoint
DROP TABLE `appointment_slots`;--> statement-breakpoint
ALTER TABLE `__new_appointment_slots` RENAME TO `appointment_slots`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `practices` ADD `hold_minutes` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `practices` ADD `hold_max_pending` integer DEFAULT 6 NOT NULL;--> statement-breakpoint
ALTER TABLE `practices` ADD `hold_max_per_hour` integer DEFAULT 20 NOT NULL;
