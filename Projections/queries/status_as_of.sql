-- Status as of :as_of, one row per company that had filed by then (CLI.md `status`).
SELECT s.company, i.name, s.status, s.class, s.since, s.reason,
       CASE WHEN p.br_expires_on < :as_of THEN 'br-expired' END AS br_expired,
       CASE WHEN EXISTS (
           SELECT 1 FROM fee_requests r
           WHERE r.company = s.company AND r.requested_on <= :as_of
             AND (r.settled_on IS NULL OR r.settled_on > :as_of)  -- settled by then: nothing to sum
             AND r.amount_cents > (SELECT coalesce(sum(f.amount_cents), 0) FROM fee_payments f
                                   WHERE f.request_seq = r.seq AND f.paid_on <= :as_of)
       ) THEN 'in-arrears' END AS in_arrears,
       CASE WHEN p.is_sme = 0 THEN 'not-sme' END AS not_sme
FROM status_timeline s
JOIN identity_timeline i
  ON i.company = s.company AND i.valid_from <= :as_of AND (i.valid_to IS NULL OR i.valid_to > :as_of)
JOIN profile_timeline p
  ON p.company = s.company AND p.valid_from <= :as_of AND (p.valid_to IS NULL OR p.valid_to > :as_of)
WHERE s.valid_from <= :as_of AND (s.valid_to IS NULL OR s.valid_to > :as_of)
ORDER BY s.company;
