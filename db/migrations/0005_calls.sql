CREATE TABLE `call_metrics` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`appointment_id` text NOT NULL,
	`therapist_joined_at` integer,
	`client_joined_at` integer,
	`connected_at` integer,
	`failed_at` integer,
	`left_at` integer,
	`connected_ms` integer DEFAULT 0 NOT NULL,
	`quality` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `call_metrics_appointment_id_unique` ON `call_metrics` (`appointment_id`);--> statement-breakpoint
CREATE INDEX `call_metrics_created_idx` ON `call_metrics` (`created_at`);--> statement-breakpoint
ALTER TABLE `appointments` ADD `access_code_failures` integer DEFAULT 0 NOT NULL;