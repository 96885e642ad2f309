-- dialect: databricks
INSERT OVERWRITE TABLE mart.current_dim
SELECT id, name FROM raw.dim_history
QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY valid_from DESC) = 1;
