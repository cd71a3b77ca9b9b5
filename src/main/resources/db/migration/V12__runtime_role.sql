-- Two roles (docs/decisions/0017): where the migrations run as an owner role of their own, the
-- role Lethe runs as (${runtimeRole}) gets what it needs and no more. On the audit trail: SELECT
-- and INSERT only, so that it cannot update, delete, truncate, or disable the append-only trigger
-- (only an owner may). One role for both keeps working as before; verify's signatures still find
-- what that role could do.
DO $grants$
DECLARE
    runtime text := '${runtimeRole}';
BEGIN
    IF runtime = '' OR runtime = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA lethe, public TO %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA lethe, public TO %I', runtime);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA lethe, public TO %I', runtime);
    EXECUTE format('REVOKE ALL ON lethe.audit_entry FROM %I', runtime);
    EXECUTE format('GRANT SELECT, INSERT ON lethe.audit_entry TO %I', runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA lethe, public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', runtime);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA lethe, public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %I', runtime);
END
$grants$;
