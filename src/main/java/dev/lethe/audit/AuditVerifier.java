package dev.lethe.audit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks the whole trail: every entry in its place (no gap in the sequence), chained to the one
 * before, hashing to what it says, and signed under a key of the trail's (after the first signed
 * entry, every one); every signed checkpoint against the trail (a cut tail, a rewritten entry); the
 * reports ({@link ReportsAgainstTheTrail}) and runs ({@link RunsAgainstTheTrail}) against it. It
 * names every break it finds.
 */
public class AuditVerifier {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate readOnly;
  private final AuditKeys keys;
  private final Checkpoints checkpoints;
  private final RunsAgainstTheTrail runs;
  private final ReportsAgainstTheTrail reportsAgainst;

  public AuditVerifier(
      javax.sql.DataSource dataSource,
      PlatformTransactionManager transactions,
      AuditKeys keys,
      Checkpoints checkpoints) {
    this.jdbc = new JdbcTemplate(dataSource);
    jdbc.setFetchSize(1000); // read the trail in batches, never whole
    this.readOnly = new TransactionTemplate(transactions);
    readOnly.setReadOnly(true);
    this.keys = keys;
    this.checkpoints = checkpoints;
    this.runs = new RunsAgainstTheTrail(jdbc);
    this.reportsAgainst = new ReportsAgainstTheTrail(jdbc);
  }

  /**
   * What a check found: the entries read, every break in the order found, and what a reader should
   * know that is not a break (entries from before signing began).
   */
  public record Result(long entries, long unsigned, List<String> breaks, List<String> notes) {
    public boolean intact() {
      return breaks.isEmpty();
    }
  }

  public Result verify(Path reports) {
    return verify(reports, Optional.empty());
  }

  /**
   * @param since a checkpoint to check from: the entries after it, chained to the hash it recorded
   */
  public Result verify(Path reports, Optional<Checkpoints.Checkpoint> since) {
    var breaks = new ArrayList<String>();
    var notes = new ArrayList<String>();
    var lastReport = new HashMap<Long, AuditEntry>();
    var hashes = new HashMap<Long, String>();
    long[] count = {0};
    var unsigned = new ArrayList<Long>();
    var firstUses = new HashMap<String, AuditEntry>();
    boolean[] sinceSeen = {false};
    since.ifPresent(c -> checkSignature(c, breaks));
    readOnly.executeWithoutResult(
        status -> {
          var state =
              new Object() {
                long expectedSeq = since.map(c -> c.entries() + 1).orElse(1L);
                String prevHash =
                    since.map(Checkpoints.Checkpoint::hash).orElse(AuditEntry.GENESIS);
                long firstSigned = 0;
              };
          // every row, also those no entry of Lethe's can be (numbered 0 or below)
          jdbc.query(
              "SELECT * FROM lethe.audit_entry WHERE seq >= ? OR seq < 1 ORDER BY seq",
              (RowCallbackHandler)
                  rs -> {
                    var entry = AuditTrail.entry(rs, 0);
                    if (entry.seq() < 1) {
                      breaks.add(
                          describe(entry)
                              + ": numbered outside the chain, which starts at 1 (added by"
                              + " someone, not Lethe)");
                      return;
                    }
                    if (since.isPresent() && entry.seq() == since.get().entries()) {
                      sinceSeen[0] = true;
                      if (!entry.hash().equals(since.get().hash())) {
                        breaks.add(
                            describe(entry)
                                + ": not the entry checkpoint "
                                + since.get().file()
                                + " recorded (rewritten)");
                      }
                      return;
                    }
                    count[0]++;
                    hashes.put(entry.seq(), entry.hash());
                    if (entry.seq() != state.expectedSeq) {
                      breaks.add(
                          describe(entry)
                              + ": expected entry "
                              + state.expectedSeq
                              + " here; entries "
                              + state.expectedSeq
                              + " to "
                              + (entry.seq() - 1)
                              + " are missing (deleted)");
                    } else if (!entry.prevHash().equals(state.prevHash)) {
                      breaks.add(
                          describe(entry)
                              + ": it does not follow the entry before it (the entries were"
                              + " reordered, or the one before was edited)");
                    }
                    if (entry.malformed() != null) {
                      breaks.add(describe(entry) + ": " + entry.malformed() + " (edited)");
                    }
                    if (!entry.expectedHash().equals(entry.hash())) {
                      breaks.add(
                          describe(entry) + ": its content does not match its hash (edited)");
                    }
                    if (entry.signature() == null) {
                      if (state.firstSigned > 0) {
                        breaks.add(
                            describe(entry)
                                + ": it is not signed, though every entry since "
                                + state.firstSigned
                                + " is: it was added by someone without Lethe's key (forged)");
                      } else {
                        unsigned.add(entry.seq());
                      }
                    } else {
                      if (state.firstSigned == 0) {
                        state.firstSigned = entry.seq();
                      }
                      switch (keys.verify(
                          entry.keyId(), AuditKeys.ENTRY, entry.hash(), entry.signature())) {
                        case BAD ->
                            breaks.add(
                                describe(entry)
                                    + ": its signature does not match it: forged or edited");
                        case UNKNOWN_KEY ->
                            breaks.add(
                                describe(entry)
                                    + ": signed under key id '"
                                    + entry.keyId()
                                    + "', whose public key is not in lethe.audit.keys (restore"
                                    + " its .pub file, or it is forged)");
                        case GOOD -> {}
                      }
                    }
                    state.expectedSeq = entry.seq() + 1;
                    state.prevHash = entry.hash();
                    if (entry.kind().equals("key")
                        && entry.action().equals("first used")
                        && entry.detail() != null) {
                      int at = entry.detail().indexOf(" (fingerprint ");
                      if (at > 0) {
                        var id = entry.detail().substring(0, at);
                        var before = firstUses.putIfAbsent(id, entry);
                        if (before != null && !before.detail().equals(entry.detail())) {
                          breaks.add(
                              describe(entry)
                                  + ": key id "
                                  + id
                                  + " first used again, with another key than at "
                                  + describe(before)
                                  + " (its record in the control database was removed)");
                        }
                      }
                    }
                    if (entry.kind().equals("report") && entry.runId() != null) {
                      lastReport.put(entry.runId(), entry);
                    }
                  },
              since.map(Checkpoints.Checkpoint::entries).orElse(1L));
        });
    since
        .filter(c -> !sinceSeen[0])
        .ifPresent(
            c ->
                breaks.add(
                    "entry "
                        + c.entries()
                        + ", the last checkpoint "
                        + c.file()
                        + " saw, is missing (deleted)"));
    long last =
        jdbc.queryForObject("SELECT coalesce(max(seq), 0) FROM lethe.audit_entry", Long.class);
    var all = checkCheckpoints(hashes, last, since, breaks);
    checkSigningBegan(all, unsigned, breaks, notes);
    if (since.isEmpty() && all.isEmpty() && last > 0) {
      if (keys.keyId() != null && unsigned.size() == count[0]) {
        // Found by an outside attack: with every signature and every checkpoint removed, the
        // entries read as made before signing began, and anyone can recompute the chain
        breaks.add(
            "this installation signs the trail with key "
                + keys.keyId()
                + ", yet none of its "
                + count[0]
                + " entries is signed and no checkpoint is found: signatures and checkpoints were"
                + " removed (or signing was set up after the last entry, and no run has been made"
                + " since)");
      } else {
        notes.add(
            "no checkpoint is found (lethe.audit.checkpoints, and the reports folder's"
                + " checkpoints/): the chain and signatures alone protect the "
                + last
                + " entries");
      }
    }
    if (!all.isEmpty() && all.get(all.size() - 1).entries() < last) {
      notes.add(
          "entries "
              + (all.get(all.size() - 1).entries() + 1)
              + " to "
              + last
              + " are after the newest checkpoint: the chain and signatures protect them, a"
              + " checkpoint does not yet");
    }
    reportsAgainst.check(
        reports, lastReport, new java.util.HashSet<>(hashes.values()), breaks, since);
    if (since.isEmpty()) {
      runs.check(breaks, notes);
    }
    return new Result(count[0], unsigned.size(), breaks, notes);
  }

  private void checkSignature(Checkpoints.Checkpoint checkpoint, List<String> breaks) {
    if (checkpoints.verify(checkpoint) != AuditKeys.Verdict.GOOD) {
      breaks.add(
          "checkpoint "
              + checkpoint.file()
              + ": its signature does not match it (forged, or its key's .pub is missing)");
    }
  }

  /**
   * Entries unsigned where a checkpoint says signing had begun are a break (their signatures were
   * removed, or they were added without the key); those before are a note.
   */
  private static void checkSigningBegan(
      List<Checkpoints.Checkpoint> all,
      List<Long> unsigned,
      List<String> breaks,
      List<String> notes) {
    long signedFrom = Long.MAX_VALUE;
    Checkpoints.Checkpoint saying = null;
    for (var checkpoint : all) {
      if (checkpoint.signedFrom() > 0 && checkpoint.signedFrom() < signedFrom) {
        signedFrom = checkpoint.signedFrom();
        saying = checkpoint;
      }
    }
    long before = 0;
    var stripped = new ArrayList<Long>();
    for (var seq : unsigned) {
      if (seq < signedFrom) {
        before++;
      } else {
        stripped.add(seq);
      }
    }
    if (!stripped.isEmpty()) {
      breaks.add(
          stripped.size()
              + " entr"
              + (stripped.size() == 1 ? "y" : "ies")
              + " (the first "
              + stripped.get(0)
              + ") are not signed, though checkpoint "
              + saying.file()
              + " says every entry from "
              + signedFrom
              + " was: signatures removed, or entries added without Lethe's key");
    }
    if (before > 0) {
      notes.add(
          before
              + " entr"
              + (before == 1 ? "y was" : "ies were")
              + " made before signing began: chained, not signed");
    }
  }

  /**
   * Every checkpoint found: signed by a key of the trail's, its entry in the trail with the hash it
   * recorded, and the checkpoint it follows still there. The trail ending before a checkpoint's
   * entry is a cut tail. Returns them, oldest first.
   */
  private List<Checkpoints.Checkpoint> checkCheckpoints(
      Map<Long, String> hashes,
      long last,
      Optional<Checkpoints.Checkpoint> since,
      List<String> breaks) {
    var unreadable = new ArrayList<String>();
    var all = checkpoints.all(unreadable);
    unreadable.forEach(f -> breaks.add("checkpoint " + f + ": cannot be read as a checkpoint"));
    var known = new java.util.HashSet<Long>();
    all.forEach(c -> known.add(c.entries()));
    for (var checkpoint : all) {
      if (since.isPresent() && checkpoint.entries() <= since.get().entries()) {
        continue;
      }
      checkSignature(checkpoint, breaks);
      if (checkpoint.previous() > 0 && !known.contains(checkpoint.previous())) {
        breaks.add(
            "checkpoint "
                + checkpoint.file()
                + " follows the checkpoint of entry "
                + checkpoint.previous()
                + ", which is gone (deleted)");
      }
      var hash = hashes.get(checkpoint.entries());
      if (checkpoint.entries() > last) {
        breaks.add(
            "checkpoint "
                + checkpoint.file()
                + " (written "
                + checkpoint.written()
                + ") saw "
                + checkpoint.entries()
                + " entries, and the trail ends at entry "
                + last
                + ": entries "
                + (last + 1)
                + " to "
                + checkpoint.entries()
                + " were cut from its end");
      } else if (hash != null && !hash.equals(checkpoint.hash())) {
        breaks.add(
            "checkpoint "
                + checkpoint.file()
                + ": entry "
                + checkpoint.entries()
                + " is not the one it recorded (the trail was rewritten)");
      }
    }
    return all;
  }

  static String describe(AuditEntry entry) {
    return "entry "
        + entry.seq()
        + " ("
        + entry.recordedAt()
        + ", "
        + entry.kind()
        + " "
        + entry.action()
        + (entry.runId() == null ? "" : ", run " + entry.runId())
        + (entry.policy() == null ? "" : ", policy " + entry.policy())
        + ")";
  }
}
