CREATE INDEX `orders_ship_email_idx` ON `orders` (`ship_email`);--> statement-breakpoint
CREATE INDEX `users_email_idx` ON `users` (`email`);