-- 001: placeholder
SELECT 1;
