ALTER TABLE `skus` ADD `queue_admit_per_second` int unsigned;--> statement-breakpoint
ALTER TABLE `skus` ADD `queue_pass_minutes` int unsigned;--> statement-breakpoint
ALTER TABLE `skus` ADD `queue_difficulty` int unsigned;--> statement-breakpoint
ALTER TABLE `skus` ADD CONSTRAINT `skus_queue_all_or_none` CHECK ((`skus`.`queue_admit_per_second` IS NULL AND `skus`.`queue_pass_minutes` IS NULL AND `skus`.`queue_difficulty` IS NULL) OR (`skus`.`queue_admit_per_second` BETWEEN 1 AND 10000 AND `skus`.`queue_pass_minutes` BETWEEN 1 AND 60 AND `skus`.`queue_difficulty` BETWEEN 1 AND 1000000));