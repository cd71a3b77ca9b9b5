-- The holds in force on a key whatever its case: an erasure's last look before its change commits
-- asks for holds placed meanwhile on another spelling of its subject (a case-insensitive column
-- takes "alice" and "ALICE" for one value), once per policy and request.
CREATE INDEX legal_hold_active_folded ON lethe.legal_hold (lower(subject)) WHERE released_at IS NULL;
