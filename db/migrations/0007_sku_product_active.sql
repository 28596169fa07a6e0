ALTER TABLE `skus` ADD `product_active` boolean DEFAULT true NOT NULL;--> statement-breakpoint
-- Products made before this column: their variants follow their status.
UPDATE `skus` k JOIN `spus` p ON p.`id` = k.`spu_id` SET k.`product_active` = (p.`status` = 'active');
