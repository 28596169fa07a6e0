CREATE TABLE `audit_log` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`actor_id` bigint unsigned NOT NULL,
	`entity` enum('product','sku','image') NOT NULL,
	`entity_id` bigint unsigned NOT NULL,
	`spu_id` bigint unsigned NOT NULL,
	`action` varchar(32) NOT NULL,
	`changes` text NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `audit_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `image_files` (
	`name` varchar(128) NOT NULL,
	`image_id` bigint unsigned NOT NULL,
	`width` int unsigned NOT NULL,
	`height` int unsigned NOT NULL,
	`format` enum('webp','avif') NOT NULL,
	`bytes` longblob NOT NULL,
	CONSTRAINT `image_files_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
CREATE TABLE `product_images` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`spu_id` bigint unsigned NOT NULL,
	`sku_id` bigint unsigned,
	`position` int unsigned NOT NULL,
	`alt` varchar(255) NOT NULL,
	`width` int unsigned NOT NULL,
	`height` int unsigned NOT NULL,
	`hash` varchar(64) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `product_images_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `skus` ADD `compare_at_price` decimal(10,2);--> statement-breakpoint
ALTER TABLE `skus` ADD `code` varchar(64);--> statement-breakpoint
ALTER TABLE `spus` ADD `status` enum('draft','active','archived') DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE `spus` ADD `updated_at` datetime(3) DEFAULT CURRENT_TIMESTAMP(3) NOT NULL;--> statement-breakpoint
ALTER TABLE `skus` ADD CONSTRAINT `skus_code_idx` UNIQUE(`code`);--> statement-breakpoint
ALTER TABLE `audit_log` ADD CONSTRAINT `audit_log_actor_id_users_id_fk` FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `image_files` ADD CONSTRAINT `image_files_image_id_product_images_id_fk` FOREIGN KEY (`image_id`) REFERENCES `product_images`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `product_images` ADD CONSTRAINT `product_images_spu_id_spus_id_fk` FOREIGN KEY (`spu_id`) REFERENCES `spus`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `product_images` ADD CONSTRAINT `product_images_sku_id_skus_id_fk` FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `audit_log_spu_idx` ON `audit_log` (`spu_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `image_files_image_idx` ON `image_files` (`image_id`);--> statement-breakpoint
CREATE INDEX `product_images_spu_idx` ON `product_images` (`spu_id`,`position`);--> statement-breakpoint
ALTER TABLE `skus` ADD CONSTRAINT `skus_compare_at_price_nonnegative` CHECK (`skus`.`compare_at_price` >= 0);--> statement-breakpoint
CREATE INDEX `spus_status_idx` ON `spus` (`status`,`id`);