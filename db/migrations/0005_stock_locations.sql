CREATE TABLE `locations` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(64) NOT NULL,
	`priority` int unsigned NOT NULL,
	`active` boolean NOT NULL DEFAULT true,
	`created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
	CONSTRAINT `locations_id` PRIMARY KEY(`id`),
	CONSTRAINT `locations_name_unique` UNIQUE(`name`)
);
--> statement-breakpoint
CREATE TABLE `order_line_allocations` (
	`order_id` varchar(26) NOT NULL,
	`sku_id` bigint unsigned NOT NULL,
	`location_id` bigint unsigned NOT NULL,
	`count` int unsigned NOT NULL,
	CONSTRAINT `order_line_allocations_order_id_sku_id_location_id_pk` PRIMARY KEY(`order_id`,`sku_id`,`location_id`),
	CONSTRAINT `order_line_allocations_count_positive` CHECK(`order_line_allocations`.`count` > 0)
);
--> statement-breakpoint
CREATE TABLE `sku_locations` (
	`sku_id` bigint unsigned NOT NULL,
	`location_id` bigint unsigned NOT NULL,
	`stock` int unsigned NOT NULL DEFAULT 0,
	`priority` int unsigned NOT NULL,
	`active` boolean NOT NULL DEFAULT true,
	CONSTRAINT `sku_locations_sku_id_location_id_pk` PRIMARY KEY(`sku_id`,`location_id`),
	CONSTRAINT `sku_locations_stock_nonnegative` CHECK(`sku_locations`.`stock` >= 0)
);
--> statement-breakpoint
ALTER TABLE `stock_adjustments` ADD `location_id` bigint unsigned NOT NULL;--> statement-breakpoint
-- Today's stock moves into one location: a one-location shop sees nothing change.
INSERT INTO `locations` (`name`, `priority`, `active`) VALUES ('Main warehouse', 1, true);--> statement-breakpoint
INSERT INTO `sku_locations` (`sku_id`, `location_id`, `stock`, `priority`, `active`) SELECT s.`id`, l.`id`, s.`stock`, l.`priority`, true FROM `skus` s JOIN `locations` l ON l.`name` = 'Main warehouse';--> statement-breakpoint
-- Orders placed before locations took their units from the one place there was: cancelling them gives the units back there.
INSERT INTO `order_line_allocations` (`order_id`, `sku_id`, `location_id`, `count`) SELECT ol.`order_id`, ol.`sku_id`, l.`id`, ol.`count` FROM `order_lines` ol JOIN `locations` l ON l.`name` = 'Main warehouse';--> statement-breakpoint
UPDATE `stock_adjustments` SET `location_id` = (SELECT `id` FROM `locations` WHERE `name` = 'Main warehouse');--> statement-breakpoint
ALTER TABLE `order_line_allocations` ADD CONSTRAINT `order_line_allocations_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sku_locations` ADD CONSTRAINT `sku_locations_sku_id_skus_id_fk` FOREIGN KEY (`sku_id`) REFERENCES `skus`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sku_locations` ADD CONSTRAINT `sku_locations_location_id_locations_id_fk` FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `order_line_allocations_location_idx` ON `order_line_allocations` (`location_id`);--> statement-breakpoint
CREATE INDEX `sku_locations_location_idx` ON `sku_locations` (`location_id`);--> statement-breakpoint
ALTER TABLE `stock_adjustments` ADD CONSTRAINT `stock_adjustments_location_id_locations_id_fk` FOREIGN KEY (`location_id`) REFERENCES `locations`(`id`) ON DELETE no action ON UPDATE no action;