UPDATE app.orders SET order_value = order_value * 1.19 WHERE country = 'DE';
