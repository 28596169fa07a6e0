CREATE TABLE `stock_alerts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`sku_id` bigint unsigned NOT NULL,
	`email` varchar(254) NOT NULL,
	`user_id` bigint unsigned,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `stock_alerts_id` PRIMARY KEY(`id`),
	CONSTRAINT `stock_alerts_sku_email_idx` UNIQUE(`sku_id`,`email`)
);
--> statement-breakpoint
ALTER TABLE `mail_outbox` MODIFY COLUMN `kind` enum('order_created','order_paid','order_shipped','order_cancelled','order_expired','back_in_stock') NOT NULL;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `sku_id` bigint unsigned;--> statement-breakpoint
ALTER TABLE `mail_outbox` ADD `alert_id` bigint unsigned;--> statement-breakpoint
CREATE INDEX `stock_alerts_sku_id_idx` ON `stock_alerts` (`sku_id`,`id`);--> statement-breakpoint
CREATE INDEX `mail_outbox_sku_idx` ON `mail_outbox` (`sku_id`,`kind`);