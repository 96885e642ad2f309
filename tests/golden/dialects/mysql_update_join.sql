-- dialect: mysql
UPDATE shop.products p
JOIN shop.inventory i ON i.product_id = p.id
SET p.in_stock = IF(i.quantity > 0, 1, 0),
    p.stock_qty = i.quantity
WHERE i.warehouse = 'main';
