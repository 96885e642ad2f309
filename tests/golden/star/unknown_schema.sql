CREATE VIEW staging.raw_events AS SELECT * FROM vendor.events;
SELECT event_id, payload FROM staging.raw_events;
