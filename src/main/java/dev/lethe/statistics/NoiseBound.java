package dev.lethe.statistics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the noise does to one measure of a statistic's cells: its scale, and the bound it stays
 * within 95 times in 100 (before the cell's numbers are made consistent, which only narrows it).
 */
public record NoiseBound(String measure, double scale, long error95) {

  Map<String, Object> toMap() {
    var map = new LinkedHashMap<String, Object>();
    map.put("measure", measure);
    map.put("scale", Math.round(scale * 100) / 100.0);
    map.put("error95", error95);
    return map;
  }

  /** "rows ±12". */
  public String describe() {
    return measure + " ±" + error95;
  }
}
