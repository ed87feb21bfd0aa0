-- The AGM roll for :as_of: the companies that may vote (R25), with their names then, by company
-- (CLI.md `voting`).
SELECT v.company, v.name
FROM voting_timeline v
WHERE v.valid_from <= :as_of AND (v.valid_to IS NULL OR v.valid_to > :as_of)
ORDER BY v.company;
