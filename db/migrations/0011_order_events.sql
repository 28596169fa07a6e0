CREATE TABLE `order_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`order_id` varchar(26) NOT NULL,
	`status` enum('unpaid','awaiting_shipment','paid','shipped','completed','cancelled') NOT NULL,
	`actor_id` bigint unsigned,
	`actor_kind` enum('shopper','admin','system') NOT NULL,
	`note` varchar(255),
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `order_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `orders` ADD `carrier` varchar(64);--> statement-breakpoint
ALTER TABLE `orders` ADD `tracking_number` varchar(64);--> statement-breakpoint
ALTER TABLE `order_events` ADD CONSTRAINT `order_events_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `order_events_order_idx` ON `order_events` (`order_id`,`id`);--> statement-breakpoint
CREATE INDEX `orders_created_id_idx` ON `orders` (`created_at`,`id`);