package dev.lethe.store;

/** Expired rows a run kept because of a legal hold or a restriction of processing. */
public record HeldBack(long byHolds, long byRestrictions) {

  public static final HeldBack NONE = new HeldBack(0, 0);
}
