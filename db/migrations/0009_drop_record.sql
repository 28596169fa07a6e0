CREATE TABLE `drop_records` (
	`sku_id` bigint unsigned NOT NULL,
	`first_second` int unsigned NOT NULL,
	`recorded_through` int unsigned NOT NULL,
	`last_answer_second` int unsigned NOT NULL,
	`ended_at` datetime(3),
	CONSTRAINT `drop_records_sku_id` PRIMARY KEY(`sku_id`)
);
--> statement-breakpoint
CREATE TABLE `drop_seconds` (
	`sku_id` bigint unsigned NOT NULL,
	`second` int unsigned NOT NULL,
	`units` int unsigned NOT NULL,
	`created` int unsigned NOT NULL,
	`out_of_stock` int unsigned NOT NULL,
	`limit_reached` int unsigned NOT NULL,
	`not_started` int unsigned NOT NULL,
	`cart_ordered` int unsigned NOT NULL,
	`busy` int unsigned NOT NULL,
	`other` int unsigned NOT NULL,
	`latency` varchar(160) NOT NULL,
	`p50_ms` decimal(9,1),
	`p99_ms` decimal(9,1),
	`stock_left` int unsigned NOT NULL,
	CONSTRAINT `drop_seconds_sku_id_second_pk` PRIMARY KEY(`sku_id`,`second`)
);
--> statement-breakpoint
CREATE TABLE `drop_shoppers` (
	`sku_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	CONSTRAINT `drop_shoppers_sku_id_user_id_pk` PRIMARY KEY(`sku_id`,`user_id`)
);
