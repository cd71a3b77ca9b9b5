package dev.lethe.store;

/**
 * Expired rows a run kept because of a legal hold, an open access or export request, or a
 * restriction of processing.
 */
public record HeldBack(long byHolds, long byRequests, long byRestrictions) {

  public static final HeldBack NONE = new HeldBack(0, 0, 0);

  public long total() {
    return byHolds + byRequests + byRestrictions;
  }
}
