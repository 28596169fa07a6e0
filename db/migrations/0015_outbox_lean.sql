CREATE TABLE `stock_alert_counts` (
	`sku_id` bigint unsigned NOT NULL,
	`notified` int unsigned NOT NULL DEFAULT 0,
	CONSTRAINT `stock_alert_counts_sku_id` PRIMARY KEY(`sku_id`)
);
--> statement-breakpoint
ALTER TABLE `mail_outbox` DROP FOREIGN KEY `mail_outbox_order_id_orders_id_fk`;
--> statement-breakpoint
DROP INDEX `mail_outbox_sku_idx` ON `mail_outbox`;--> statement-breakpoint
INSERT INTO `stock_alert_counts` (`sku_id`, `notified`) SELECT `sku_id`, COUNT(*) FROM `mail_outbox` WHERE `kind` = 'back_in_stock' AND `sku_id` IS NOT NULL GROUP BY `sku_id`;
