-- Fee requests with a balance as of :as_of, by company then period (CLI.md `arrears`).
WITH owed AS (
    SELECT r.seq, r.company, r.period, r.amount_cents, r.requested_on, r.due_on,
           (SELECT coalesce(sum(f.amount_cents), 0) FROM fee_payments f
            WHERE f.request_seq = r.seq AND f.paid_on <= :as_of) AS paid_cents
    FROM fee_requests r
    -- Settled by :as_of (its payments had reached the amount, R16): owes nothing, summed for nothing.
    WHERE r.requested_on <= :as_of AND (r.settled_on IS NULL OR r.settled_on > :as_of)
)
SELECT o.company, o.period, o.amount_cents, o.paid_cents, o.amount_cents - o.paid_cents AS balance_cents,
       o.requested_on, o.due_on,
       CASE
           WHEN :as_of <= o.due_on THEN 'due'
           WHEN EXISTS (
               SELECT 1 FROM excusals e
               WHERE e.request_seq = o.seq
                 AND e.excusal_seq = (SELECT e2.excusal_seq FROM excusals e2
                                      WHERE e2.request_seq = o.seq AND e2.valid_from <= :as_of
                                      ORDER BY e2.valid_from DESC, e2.excusal_seq DESC LIMIT 1)
                 AND (e.until IS NULL OR e.until >= :as_of)
           ) THEN 'excused'
           ELSE 'overdue'
       END AS state
FROM owed o
WHERE o.paid_cents < o.amount_cents
ORDER BY o.company, o.period, o.requested_on;
