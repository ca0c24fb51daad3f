ALTER TABLE `appointments` ADD `link_key_seed` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `link_key_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `appointments` ADD `link_key_window_start` integer DEFAULT 0 NOT NULL;