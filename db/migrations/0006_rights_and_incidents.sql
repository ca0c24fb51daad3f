CREATE TABLE `download_links` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`format` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `rights_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `download_links_token_hash_unique` ON `download_links` (`token_hash`);--> statement-breakpoint
CREATE TABLE `incident_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`practice_id` text NOT NULL,
	`kind` text NOT NULL,
	`update_id` text,
	`sent_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incident_notices_once_uq` ON `incident_notices` (`incident_id`,`practice_id`,`kind`,`update_id`);--> statement-breakpoint
CREATE TABLE `incident_updates` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`at` integer NOT NULL,
	`text` text NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `incident_updates_incident_idx` ON `incident_updates` (`incident_id`,`at`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` text PRIMARY KEY NOT NULL,
	`aware_at` integer NOT NULL,
	`nature` text NOT NULL,
	`data_categories` text NOT NULL,
	`subject_categories` text NOT NULL,
	`approx_subjects` integer NOT NULL,
	`approx_records` integer NOT NULL,
	`consequences` text NOT NULL,
	`measures` text NOT NULL,
	`contact` text NOT NULL,
	`scope` text NOT NULL,
	`high_risk` integer DEFAULT false NOT NULL,
	`closed_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rights_request_events` (
	`id` text PRIMARY KEY NOT NULL,
	`request_id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`note` text,
	FOREIGN KEY (`request_id`) REFERENCES `rights_requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `rights_request_events_request_idx` ON `rights_request_events` (`request_id`,`at`);--> statement-breakpoint
CREATE TABLE `rights_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`client_id` text,
	`types` text NOT NULL,
	`email` text NOT NULL,
	`details` text,
	`locale` text NOT NULL,
	`status` text NOT NULL,
	`received_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`extended_due_at` integer,
	`extension_reason` text,
	`verify_token_hash` text,
	`verify_expires_at` integer,
	`verified_at` integer,
	`completed_at` integer,
	`outcome` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rights_requests_verify_token_hash_unique` ON `rights_requests` (`verify_token_hash`);--> statement-breakpoint
CREATE INDEX `rights_requests_status_idx` ON `rights_requests` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `rights_requests_practice_idx` ON `rights_requests` (`practice_id`);--> statement-breakpoint
ALTER TABLE `clients` ADD `objected_at` integer;