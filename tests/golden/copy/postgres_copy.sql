-- dialect: postgres
COPY raw.events FROM '/data/events.csv' WITH (FORMAT csv);
COPY (SELECT id, amount FROM raw.events WHERE amount > 0) TO '/tmp/events_out.csv';
