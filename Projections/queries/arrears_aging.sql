-- Arrears aging as of :as_of: balances by days past the due date, in 0-30, 31-90 and 90+ buckets
-- (requests not yet due are 'not-due').
WITH owed AS (
    SELECT r.company, r.due_on,
           r.amount_cents - (SELECT coalesce(sum(f.amount_cents), 0) FROM fee_payments f
                             WHERE f.request_seq = r.seq AND f.paid_on <= :as_of) AS balance_cents
    FROM fee_requests r
    -- Settled by :as_of (its payments had reached the amount, R16): owes nothing, summed for nothing.
    WHERE r.requested_on <= :as_of AND (r.settled_on IS NULL OR r.settled_on > :as_of)
)
SELECT CASE
           WHEN julianday(:as_of) - julianday(due_on) <= 0 THEN 'not-due'
           WHEN julianday(:as_of) - julianday(due_on) <= 30 THEN '0-30'
           WHEN julianday(:as_of) - julianday(due_on) <= 90 THEN '31-90'
           ELSE '90+'
       END AS bucket,
       count(*) AS requests,
       count(DISTINCT company) AS companies,
       sum(balance_cents) AS balance_cents
FROM owed
WHERE balance_cents > 0
GROUP BY bucket
ORDER BY min(julianday(:as_of) - julianday(due_on));
