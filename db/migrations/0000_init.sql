CREATE TABLE `addresses` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`receiver` varchar(64) NOT NULL,
	`phone` varchar(32) NOT NULL,
	`region` varchar(128) NOT NULL,
	`detail` varchar(255) NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `addresses_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `order_lines` (
	`order_id` varchar(26) NOT NULL,
	`sku_id` bigint unsigned NOT NULL,
	`name` varchar(255) NOT NULL,
	`count` int unsigned NOT NULL,
	`price` decimal(10,2) NOT NULL,
	CONSTRAINT `order_lines_order_id_sku_id_pk` PRIMARY KEY(`order_id`,`sku_id`),
	CONSTRAINT `order_lines_count_positive` CHECK(`order_lines`.`count` > 0)
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` varchar(26) NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`idempotency_key` varchar(64) NOT NULL,
	`address_id` bigint unsigned NOT NULL,
	`ship_receiver` varchar(64) NOT NULL,
	`ship_phone` varchar(32) NOT NULL,
	`ship_region` varchar(128) NOT NULL,
	`ship_detail` varchar(255) NOT NULL,
	`total_count` int unsigned NOT NULL,
	`total_amount` decimal(12,2) NOT NULL,
	`freight` decimal(10,2) NOT NULL,
	`pay_method` enum('cod','online') NOT NULL,
	`status` enum('unpaid','awaiting_shipment','paid','shipped','completed','cancelled') NOT NULL,
	`strategy` varchar(16) NOT NULL,
	`cart_cleanup_pending` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	`updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `orders_id` PRIMARY KEY(`id`),
	CONSTRAINT `orders_user_idempotency_idx` UNIQUE(`user_id`,`idempotency_key`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` varchar(64) NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`expires_at` datetime NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `sessions_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `skus` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`spu_id` bigint unsigned NOT NULL,
	`name` varchar(128) NOT NULL,
	`price` decimal(10,2) NOT NULL,
	`stock` int unsigned NOT NULL DEFAULT 0,
	`sales` int unsigned NOT NULL DEFAULT 0,
	`on_sale` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `skus_id` PRIMARY KEY(`id`),
	CONSTRAINT `skus_spu_name_idx` UNIQUE(`spu_id`,`name`),
	CONSTRAINT `skus_stock_nonnegative` CHECK(`skus`.`stock` >= 0),
	CONSTRAINT `skus_price_nonnegative` CHECK(`skus`.`price` >= 0)
);
--> statement-breakpoint
CREATE TABLE `spus` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(128) NOT NULL,
	`description` text NOT NULL,
	`category` varchar(64) NOT NULL,
	`hue` int unsigned NOT NULL DEFAULT 210,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `spus_id` PRIMARY KEY(`id`),
	CONSTRAINT `spus_name_unique` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `stock_adjustments` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`sku_id` bigint unsigned NOT NULL,
	`delta` int NOT NULL,
	`stock_after` int unsigned NOT NULL,
	`reason` varchar(255) NOT NULL,
	`admin_id` bigint unsigned NOT NULL,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `stock_adjustments_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`username` varchar(32) NOT NULL,
	`password_hash` varchar(255) NOT NULL,
	`role` enum('shopper','admin') NOT NULL DEFAULT 'shopper',
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_username_unique` UNIQUE(`username`)
);
--> statement-breakpoint
ALTER TABLE `addresses` ADD CONSTRAINT `addresses_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `order_lines` ADD CONSTRAINT `order_lines_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sessions` ADD CONSTRAINT `sessions_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `skus` ADD CONSTRAINT `skus_spu_id_spus_id_fk` FOREIGN KEY (`spu_id`) REFERENCES `spus`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `stock_adjustments` ADD CONSTRAINT `stock_adjustments_sku_id_skus_id_fk` FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `stock_adjustments` ADD CONSTRAINT `stock_adjustments_admin_id_users_id_fk` FOREIGN KEY (`admin_id`) REFERENCES `users`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `addresses_user_idx` ON `addresses` (`user_id`);--> statement-breakpoint
CREATE INDEX `order_lines_sku_idx` ON `order_lines` (`sku_id`);--> statement-breakpoint
CREATE INDEX `orders_user_created_idx` ON `orders` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_status_created_idx` ON `orders` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_cleanup_idx` ON `orders` (`user_id`,`cart_cleanup_pending`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `stock_adjustments_sku_idx` ON `stock_adjustments` (`sku_id`,`created_at`);