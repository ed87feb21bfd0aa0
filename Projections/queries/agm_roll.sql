-- The AGM roll for :as_of: the companies that may vote (R25), by company (CLI.md `voting`).
SELECT v.company, p.name
FROM voting_timeline v
JOIN profile_timeline p
  ON p.company = v.company AND p.valid_from <= :as_of AND (p.valid_to IS NULL OR p.valid_to > :as_of)
WHERE v.valid_from <= :as_of AND (v.valid_to IS NULL OR v.valid_to > :as_of)
ORDER BY v.company;
