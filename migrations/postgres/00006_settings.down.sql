-- 00006_settings: drop the settings table.
DROP TABLE settings;
