ALTER TABLE `skus` ADD `per_customer_limit` int unsigned;--> statement-breakpoint
ALTER TABLE `skus` ADD `sale_starts_at` datetime(3);--> statement-breakpoint
ALTER TABLE `users` ADD `limit_seq` bigint unsigned DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `skus` ADD CONSTRAINT `skus_per_customer_limit_range` CHECK (`skus`.`per_customer_limit` BETWEEN 1 AND 99);