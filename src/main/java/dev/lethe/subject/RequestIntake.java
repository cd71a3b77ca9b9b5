package dev.lethe.subject;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.LegalBasis;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.BadInputException;
import dev.lethe.transform.Keys;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.TreeSet;

/**
 * Receives a request: checks it against the policies and the stores' catalogs, then records it. A
 * malformed subject key, an unknown purpose or a second open request of the same kind is refused
 * and nothing is recorded; a well-formed key no store knows is not an error (the request completes
 * with "no data held").
 */
public class RequestIntake {

  /** Longest subject key taken: a key is an identifier, not a document. */
  static final int MAX_SUBJECT = 200;

  private final RequestService requests;
  private final StoreRegistry stores;
  private final Keys keys;
  private final Clock clock;

  public RequestIntake(RequestService requests, StoreRegistry stores, Keys keys, Clock clock) {
    this.requests = requests;
    this.stores = stores;
    this.keys = keys;
    this.clock = clock;
  }

  public SubjectRequest receive(
      RequestKind kind,
      String subject,
      String purpose,
      String reference,
      String receivedBy,
      Definitions definitions) {
    var key = checkedKey(subject);
    if (keys.tokens().isEmpty()) {
      throw new BadInputException(
          "requests need the pseudonymisation key: reports name subjects only by their token."
              + " Fix: set lethe.pseudonymisation.key-id, and the key in LETHE_HMAC_KEY or in the"
              + " file named by lethe.pseudonymisation.key-file");
    }
    if (kind == RequestKind.WITHDRAW_CONSENT) {
      checkPurpose(purpose, definitions);
    } else if (purpose != null) {
      throw new BadInputException(
          "--purpose is for withdraw-consent only. Fix: leave it out of '" + kind.text() + "'");
    }
    checkFits(key, definitions);
    dev.lethe.system.PlainText.check(
        blankToNull(reference), "--reference", dev.lethe.system.PlainText.REFERENCE);
    return requests.insert(
        kind,
        key,
        purpose,
        blankToNull(reference),
        receivedBy,
        RequestReach.of(RequestRunner.policiesFor(kind, purpose, definitions), stores));
  }

  private static String checkedKey(String subject) {
    if (subject == null || subject.isBlank()) {
      throw new BadInputException("--subject is missing. Fix: give the subject key, such as 42");
    }
    // one rule for every key a person gives (holds, restrictions, requests): a key with a line
    // separator or a zero-width mark matches no row, and an erasure of it did nothing, said done
    dev.lethe.system.PlainText.checkKey(subject, "--subject", MAX_SUBJECT);
    return subject.trim();
  }

  /** The purposes a subject consents to: the categories of policies whose basis is consent. */
  static List<String> purposes(Definitions definitions) {
    var purposes = new TreeSet<String>();
    for (var policy : definitions.policies().values()) {
      if (policy.legalBasis() == LegalBasis.CONSENT) {
        purposes.add(policy.category());
      }
    }
    return List.copyOf(purposes);
  }

  private static void checkPurpose(String purpose, Definitions definitions) {
    var known = purposes(definitions);
    if (purpose == null || purpose.isBlank()) {
      throw new BadInputException(
          "--purpose is missing. Fix: name what consent is withdrawn for, one of " + known);
    }
    if (!known.contains(purpose)) {
      throw new BadInputException(
          "unknown purpose '"
              + purpose
              + "': no policy with legal-basis consent has that category. Fix: use one of "
              + known);
    }
  }

  /** The key must be a possible value of at least one policy's subject column. */
  private void checkFits(String key, Definitions definitions) {
    var scope =
        new RetentionScope(
            ZonedDateTime.now(clock),
            List.copyOf(definitions.policies().values()),
            List.of(),
            keys.tokens());
    stores
        .takesNoSuchSubject(key, definitions.policies().values(), scope)
        .ifPresent(
            columns -> {
              throw new BadInputException(
                  "--subject cannot be a subject key of any policy ("
                      + columns
                      + "): their subject columns take no such value. Fix: give the key as the"
                      + " stores hold it, such as 42 for an integer column");
            });
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }
}
