-- dialect: postgres
CREATE TABLE raw.events (id int, amount numeric);
CREATE TABLE staging.events_new (LIKE raw.events INCLUDING ALL);
