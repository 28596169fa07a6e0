ALTER TABLE `orders` MODIFY COLUMN `cart_cleanup_pending` boolean NOT NULL DEFAULT true;--> statement-breakpoint
ALTER TABLE `orders` ADD `cart_revision` varchar(32);--> statement-breakpoint
ALTER TABLE `orders` ADD CONSTRAINT `orders_user_cart_revision_idx` UNIQUE(`user_id`,`cart_revision`);