package dev.lethe.subject;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.Policy;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The answer a data-protection officer sends a data subject about a request: per policy, the kind
 * of data (its category and description), what was done with it, what is kept, why (the legal
 * basis, the hold's case) and for how long by the policy's stages. Counts and words only: no value
 * from a store.
 */
public final class RequestResponse {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final Map<String, Object> document;

  private RequestResponse(Map<String, Object> document) {
    this.document = document;
  }

  /** The response to {@code request}, its policies described as {@code definitions} say. */
  public static RequestResponse of(SubjectRequest request, Definitions definitions, ZoneId zone) {
    var doc = new LinkedHashMap<String, Object>();
    doc.put("request", request.id());
    doc.put("kind", request.kind().text());
    if (request.purpose() != null) {
      doc.put("purpose", request.purpose());
    }
    doc.put("subject", request.subject());
    doc.put("reference", request.reference());
    doc.put(
        "received",
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(request.receivedAt().atZone(zone)));
    doc.put("deadline", request.deadline().toString());
    doc.put("status", request.status());
    doc.put(
        "completed",
        request.completedAt() == null
            ? null
            : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(request.completedAt().atZone(zone)));
    if (request.closedReason() != null) {
      doc.put("cancelledBecause", request.closedReason());
    }
    var entries = new ArrayList<Map<String, Object>>();
    for (var o : request.outcomes()) {
      var policy = definitions.policies().get(o.policy());
      var entry = new LinkedHashMap<String, Object>();
      entry.put("policy", o.policy());
      entry.put("category", policy == null ? null : policy.category());
      entry.put("description", policy == null ? null : policy.description());
      entry.put("legalBasis", policy == null ? null : policy.legalBasis().yamlName());
      entry.put("outcome", o.outcome());
      entry.put("deleted", o.deleted());
      entry.put("pseudonymised", o.pseudonymised());
      entry.put("exported", o.exported());
      entry.put("kept", o.kept());
      entry.put("heldUnderCase", o.heldBy());
      entry.put("final", o.fin());
      entry.put("retention", policy == null ? null : retention(policy));
      entries.add(entry);
    }
    doc.put("policies", entries);
    return new RequestResponse(doc);
  }

  /** "pseudonymise after P1Y, delete after P7Y, from issued_at". */
  private static String retention(Policy policy) {
    var stages = new ArrayList<String>();
    policy.stages().forEach(s -> stages.add(s.action().yamlName() + " after " + s.after().text()));
    return String.join(", ", stages) + ", from " + policy.clock().describe();
  }

  public String json() {
    return JSON.writeValueAsString(document);
  }

  @SuppressWarnings("unchecked")
  public String text() {
    var out = new StringBuilder();
    out.append("Request ")
        .append(document.get("request"))
        .append(": ")
        .append(document.get("kind"))
        .append(document.containsKey("purpose") ? " (" + document.get("purpose") + ")" : "")
        .append(", received ")
        .append(document.get("received"))
        .append(", due ")
        .append(document.get("deadline"))
        .append(": ")
        .append(document.get("status"))
        .append(document.get("completed") == null ? "" : " on " + document.get("completed"))
        .append("\n");
    if (document.containsKey("cancelledBecause")) {
      out.append("Cancelled: ").append(document.get("cancelledBecause")).append("\n");
    }
    for (var e : (List<Map<String, Object>>) document.get("policies")) {
      out.append("\n")
          .append(e.get("description") == null ? e.get("policy") : e.get("description"))
          .append(" (")
          .append(e.get("category"))
          .append("; legal basis: ")
          .append(e.get("legalBasis"))
          .append(")\n  ")
          .append(e.get("outcome"))
          .append(Boolean.TRUE.equals(e.get("final")) ? "" : " (not finished)")
          .append("\n");
      if (e.get("retention") != null) {
        out.append("  kept at most: ").append(e.get("retention")).append("\n");
      }
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  public String html() {
    var out =
        new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">");
    out.append("<title>Request ")
        .append(document.get("request"))
        .append("</title></head>\n<body>\n");
    out.append("<h1>Your ")
        .append(escape(document.get("kind")))
        .append(" request (")
        .append(document.get("request"))
        .append(")</h1>\n<p>Received ")
        .append(escape(document.get("received")))
        .append(", due ")
        .append(escape(document.get("deadline")))
        .append(": ")
        .append(escape(document.get("status")))
        .append("</p>\n");
    if (document.containsKey("cancelledBecause")) {
      out.append("<p>Cancelled: ")
          .append(escape(document.get("cancelledBecause")))
          .append("</p>\n");
    }
    out.append(
        "<table>\n<tr><th>data</th><th>category</th><th>legal basis</th><th>what was done</th>"
            + "<th>kept at most</th></tr>\n");
    for (var e : (List<Map<String, Object>>) document.get("policies")) {
      out.append("<tr><td>")
          .append(escape(e.get("description") == null ? e.get("policy") : e.get("description")))
          .append("</td><td>")
          .append(escape(e.get("category")))
          .append("</td><td>")
          .append(escape(e.get("legalBasis")))
          .append("</td><td>")
          .append(escape(e.get("outcome")))
          .append("</td><td>")
          .append(escape(e.get("retention")))
          .append("</td></tr>\n");
    }
    return out.append("</table>\n</body>\n</html>\n").toString();
  }

  private static String escape(Object value) {
    if (value == null) {
      return "";
    }
    return value
        .toString()
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
