-- 00007_rate_limits: drop the rate_limits table.
DROP TABLE rate_limits;
