-- Members per class per membership year: active members on the last day of each year
-- (31 March), for every year from :from_year to :to_year ('YYYY-YY' labels). One pass over the
-- status timeline, each row against every year-end (an index on dates would be read once per year,
-- with a lookup per row: 10 s against 3 minutes at 1.7 million rows).
WITH RECURSIVE years(start) AS (
    SELECT CAST(substr(:from_year, 1, 4) AS INTEGER)
    UNION ALL
    SELECT start + 1 FROM years WHERE start < CAST(substr(:to_year, 1, 4) AS INTEGER)
),
ends AS MATERIALIZED (
    SELECT printf('%04d-%02d', start, (start + 1) % 100) AS period,
           printf('%04d-03-31', start + 1) AS last_day
    FROM years
)
SELECT e.period, s.class, count(*) AS members
FROM status_timeline s
CROSS JOIN ends e
  ON s.valid_from <= e.last_day AND (s.valid_to IS NULL OR s.valid_to > e.last_day)
WHERE s.status = 'active'
GROUP BY e.period, s.class
ORDER BY e.period, s.class;
