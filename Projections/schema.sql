-- The SQLite read models of the membership ledger, schema version 4.
-- Dates are Hong Kong calendar dates as TEXT 'YYYY-MM-DD' (they sort as dates); money is INTEGER
-- cents. Intervals are half-open: a row holds from valid_from up to, not including, valid_to;
-- valid_to NULL means it still holds. Derived from the log: `ledger project rebuild` remakes it.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,   -- schema_version, checkpoint_seq, checkpoint_hash
    value TEXT NOT NULL
);

-- The latest known profile of every company that has filed (R22).
CREATE TABLE companies (
    company         TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    br_number       TEXT NOT NULL,
    br_expires_on   TEXT NOT NULL,
    sector          TEXT NOT NULL,   -- manufacturing | non-manufacturing
    employees_in_hk INTEGER NOT NULL
) WITHOUT ROWID;

-- Who each company is over time: its name, registration number and sector, cut where one changes.
CREATE TABLE identity_timeline (
    company    TEXT NOT NULL,
    name       TEXT NOT NULL,
    br_number  TEXT NOT NULL,
    sector     TEXT NOT NULL,   -- manufacturing | non-manufacturing
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (company, valid_from)
) WITHOUT ROWID;

-- What the flags not-sme (R6) and br-expired (R7) read over time, cut where one of them changes
-- (a registration renewed every year is a row a year: the name and sector are not repeated in it).
CREATE TABLE profile_timeline (
    company         TEXT NOT NULL,
    br_expires_on   TEXT NOT NULL,
    employees_in_hk INTEGER NOT NULL,
    is_sme          INTEGER NOT NULL,   -- 1 when the SME test (R6) passes for the sector then
    valid_from      TEXT NOT NULL,
    valid_to        TEXT,
    PRIMARY KEY (company, valid_from)
) WITHOUT ROWID;

-- Each company's status over time (statuses change with no event too: R17, R18, R20).
CREATE TABLE status_timeline (
    company    TEXT NOT NULL,
    status     TEXT NOT NULL,   -- applied | rejected | active | void | resigned
    class      TEXT NOT NULL,   -- full | affiliate (held, or applied for)
    since      TEXT NOT NULL,   -- the date the status began (a class change keeps it)
    reason     TEXT,            -- void only: 'non-payment:2025-26' | 'index-non-participation:2024'
    rule       TEXT NOT NULL,   -- the rule behind the change, e.g. 'R17'
    seqs       TEXT NOT NULL,   -- the seqs behind it, comma-separated
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (company, valid_from)
) WITHOUT ROWID;

-- When a company may vote (R25): active and full. A row also holds the company's name, cut
-- where it changes, so that the AGM roll reads this table alone.
CREATE TABLE voting_timeline (
    company    TEXT NOT NULL,
    name       TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (company, valid_from)
) WITHOUT ROWID;

-- Fee requests (R15), one row each, whatever the term, clustered by company: a company's
-- requests are one range of the table, with no separate index to keep.
CREATE TABLE fee_requests (
    seq          INTEGER NOT NULL,      -- the FeeRequested event
    company      TEXT NOT NULL,
    term         INTEGER NOT NULL,      -- the company's membership term, 1, 2, …
    period       TEXT NOT NULL,         -- membership year 'YYYY-YY'
    amount_cents INTEGER NOT NULL,
    requested_on TEXT NOT NULL,
    due_on       TEXT NOT NULL GENERATED ALWAYS AS (date(requested_on, '+30 days')) VIRTUAL,  -- R17
    settled_on   TEXT,                  -- the date payments reached the amount, if they have
    PRIMARY KEY (company, seq)
) WITHOUT ROWID;

-- Money applied to requests (R16): a payment split over requests, or credit used on a request date.
-- Clustered by request: the queries read a request's payments, and a separate index doubled it.
CREATE TABLE fee_payments (
    request_seq  INTEGER NOT NULL,      -- the fee_requests row of that seq
    payment_seq  INTEGER NOT NULL,      -- the FeePaid (or the request itself, when credit paid it)
    paid_on      TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    PRIMARY KEY (request_seq, payment_seq)  -- a payment goes to a request once (R16)
) WITHOUT ROWID;

-- Excused delays (R18): each covers its request from valid_from; a later one replaces it.
CREATE TABLE excusals (
    request_seq INTEGER NOT NULL,       -- the fee_requests row of that seq
    excusal_seq INTEGER NOT NULL,
    valid_from  TEXT NOT NULL,
    until       TEXT,                   -- the cover's last day; NULL: no end
    PRIMARY KEY (request_seq, excusal_seq)
) WITHOUT ROWID;
