-- dialect: postgres
ALTER TABLE raw.events RENAME TO events_archive;
