-- The checkout's confirmations now ride in one query after the orders' INSERT; on Galera this key is what refuses them once those orders were rolled back (lib/orders/order-rows.ts).
ALTER TABLE `mail_outbox` ADD CONSTRAINT `mail_outbox_order_id_orders_id_fk` FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON DELETE cascade ON UPDATE no action;
