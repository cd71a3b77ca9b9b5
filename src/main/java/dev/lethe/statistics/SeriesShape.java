package dev.lethe.statistics;

import dev.lethe.policy.Statistic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a series' cells are: the names of their dimensions and the labels of their measures, in the
 * order the cells hold them, with what decided their publication. Kept with the series, so that a
 * series whose definition has changed since is still exported under its own names.
 */
public record SeriesShape(
    String statistic,
    String definition,
    String description,
    String bucket,
    List<String> dimensions,
    List<String> measures,
    Integer minimumSubjects,
    Double epsilonPerBucket,
    List<Map<String, Object>> noise) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** The shape of the statistic as defined now. */
  public static SeriesShape of(Statistic statistic, String definition) {
    return new SeriesShape(
        statistic.name(),
        definition,
        statistic.description(),
        statistic.bucket().yamlName(),
        statistic.dimensions().stream().map(Statistic.Dimension::name).toList(),
        statistic.measures().stream().map(Statistic.Measure::label).toList(),
        statistic.minimumSubjects(),
        statistic.epsilon().orElse(null),
        Publication.noise(statistic).stream().map(NoiseBound::toMap).toList());
  }

  /**
   * The shape kept with a series ({@code json}), or, for a series stored before shapes were kept,
   * its columns by position: {@code dimension_1, ...} and {@code measure_1, ...}, as many as its
   * cells hold.
   */
  @SuppressWarnings("unchecked")
  static SeriesShape read(
      String statistic, String definition, String json, int dimensions, int measures) {
    Map<String, Object> kept = JSON.readValue(json, Map.class);
    if (kept.containsKey("dimensions")) {
      return new SeriesShape(
          statistic,
          definition,
          (String) kept.get("description"),
          (String) kept.get("bucket"),
          List.copyOf((List<String>) kept.get("dimensions")),
          List.copyOf((List<String>) kept.get("measures")),
          kept.get("minimumSubjects") == null
              ? null
              : ((Number) kept.get("minimumSubjects")).intValue(),
          kept.get("epsilonPerBucket") == null
              ? null
              : ((Number) kept.get("epsilonPerBucket")).doubleValue(),
          kept.get("noise") == null ? List.of() : (List<Map<String, Object>>) kept.get("noise"));
    }
    var names = new ArrayList<String>();
    for (int i = 1; i <= dimensions; i++) {
      names.add("dimension_" + i);
    }
    var labels = new ArrayList<String>();
    for (int i = 1; i <= measures; i++) {
      labels.add("measure_" + i);
    }
    return new SeriesShape(statistic, definition, null, null, names, labels, null, null, List.of());
  }

  String toJson() {
    var map = new LinkedHashMap<String, Object>();
    map.put("description", description);
    map.put("bucket", bucket);
    map.put("dimensions", dimensions);
    map.put("measures", measures);
    map.put("minimumSubjects", minimumSubjects);
    map.put("epsilonPerBucket", epsilonPerBucket);
    map.put("noise", noise);
    return JSON.writeValueAsString(map);
  }
}
