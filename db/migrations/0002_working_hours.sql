CREATE TABLE `working_hours` (
	`id` text PRIMARY KEY NOT NULL,
	`practice_id` text NOT NULL,
	`weekday` integer NOT NULL,
	`start_minute` integer NOT NULL,
	`end_minute` integer NOT NULL,
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `working_hours_practice_idx` ON `working_hours` (`practice_id`,`weekday`);