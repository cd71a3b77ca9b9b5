package dev.lethe.support;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Faults of the control database at the moment a request's change has committed in its store and is
 * about to be recorded: what a killed process or a lost connection leaves behind.
 */
public final class ControlFaults {

  private ControlFaults() {}

  /** The rows the trail says a request deleted or pseudonymised under a policy, in all its runs. */
  public static long rowsInTrail(JdbcClient control, long request, String policy) {
    return control
        .sql(
            "SELECT coalesce(sum(total_rows), 0) FROM lethe.audit_entry WHERE kind = 'request'"
                + " AND action IN ('deleted', 'pseudonymised') AND policy = ? AND detail LIKE ?")
        .params(policy, "request " + request + ":%")
        .query(Long.class)
        .single();
  }

  /** The trail's entries of a request's changes that a later run recovered from a store. */
  public static long recoveredEntries(JdbcClient control, long request) {
    return control
        .sql(
            "SELECT count(*) FROM lethe.audit_entry WHERE kind = 'request' AND detail LIKE ?"
                + " AND detail LIKE '%recovered by run%'")
        .param("request " + request + ":%")
        .query(Long.class)
        .single();
  }

  /**
   * The next entry of a request's deleted or pseudonymised rows the trail is given fails, once: the
   * change has committed in its store, its record is not taken. Close to disarm.
   */
  public static AutoCloseable refuseTheNextRequestChange(JdbcClient control) {
    control
        .sql(
            """
            DROP SEQUENCE IF EXISTS public.request_fault_fuse;
            CREATE SEQUENCE public.request_fault_fuse;
            CREATE OR REPLACE FUNCTION public.request_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              -- a sequence, not a table: what the failed transaction wrote is rolled back with it
              IF NEW.kind = 'request' AND NEW.action IN ('deleted', 'pseudonymised')
                 AND nextval('public.request_fault_fuse') = 1 THEN
                RAISE EXCEPTION 'the control database went away';
              END IF;
              RETURN NEW;
            END $$;
            DROP TRIGGER IF EXISTS request_fault ON lethe.audit_entry;
            CREATE TRIGGER request_fault BEFORE INSERT ON lethe.audit_entry
              FOR EACH ROW EXECUTE FUNCTION public.request_fault();
            """)
        .update();
    return () ->
        control
            .sql(
                "DROP TRIGGER IF EXISTS request_fault ON lethe.audit_entry;"
                    + " DROP FUNCTION IF EXISTS public.request_fault();"
                    + " DROP SEQUENCE IF EXISTS public.request_fault_fuse")
            .update();
  }
}
