CREATE TABLE `client_booking_windows` (
	`client_id` text NOT NULL,
	`window_start` integer NOT NULL,
	`bookings` integer NOT NULL,
	PRIMARY KEY(`client_id`, `window_start`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "client_booking_windows_within_limit" CHECK("client_booking_windows"."bookings" <= 5)
);
--> statement-breakpoint
CREATE TABLE `practice_booking_windows` (
	`practice_id` text NOT NULL,
	`window_start` integer NOT NULL,
	`bookings` integer NOT NULL,
	PRIMARY KEY(`practice_id`, `window_start`),
	FOREIGN KEY (`practice_id`) REFERENCES `practices`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "practice_booking_windows_within_limit" CHECK("practice_booking_windows"."bookings" <= 60)
);
