package dev.bulwark.classify.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Renders an {@link EvalReport} as one self-contained HTML page: inline CSS and SVG, no scripts, no
 * external assets, so that it can be attached to a review or opened offline. Every string from the
 * data (texts, ids, categories, labels, stage and view names, the title) is HTML-escaped.
 */
final class HtmlReport {
  /** How many worst false positives and false negatives are listed. */
  static final int WORST = 20;

  /** How many characters of an item's text are shown. */
  static final int TEXT_LIMIT = 200;

  /** How many categories get their own line in the charts (those with the most positives). */
  static final int CHART_CATEGORIES = 8;

  private static final String OVERALL_COLOR = "#111827";
  private static final String[] PALETTE = {
    "#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d"
  };

  // Chart geometry, in SVG user units.
  private static final int LEFT = 46;
  private static final int TOP = 10;
  private static final int PLOT_W = 300;
  private static final int PLOT_H = 250;
  private static final double LOG_MIN = 1e-3;

  private static final String CSS =
      """
      :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--hi:#fef3c7}
      *{box-sizing:border-box}
      body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
      main{max-width:1180px;margin:0 auto;padding:24px}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
      p.note{color:var(--muted);margin:4px 0 12px}
      .cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
      .card{border:1px solid var(--line);border-radius:8px;padding:8px 12px;min-width:120px;background:var(--bg)}
      .card b{display:block;font-size:18px}.card span{color:var(--muted);font-size:12px}
      .charts{display:flex;flex-wrap:wrap;gap:16px}
      figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px}
      figcaption{font-weight:600;margin-bottom:4px}
      svg text{font:11px system-ui,sans-serif;fill:#374151}
      svg .grid{stroke:var(--line);stroke-width:1}svg .axis{stroke:#9ca3af;stroke-width:1}
      svg .ref{stroke:#d1d5db;stroke-dasharray:4 4}
      ul.legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 16px}
      ul.legend li{font-size:12px}.sw{display:inline-block;width:12px;height:3px;margin-right:6px;vertical-align:middle}
      table{border-collapse:collapse;width:100%;margin:8px 0}
      th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
      th{background:var(--bg);font-weight:600;font-size:12px}
      td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
      tr.deployed td{background:var(--hi);font-weight:600}
      td.text{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;word-break:break-word}
      .na{color:var(--muted)}
      """;

  private HtmlReport() {}

  static String render(EvalReport r) {
    ObjectNode json = r.toJson();
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>")
        .append(escape(r.title()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    b.append("<h1>").append(escape(r.title())).append("</h1>\n");
    b.append("<p class=\"note\">")
        .append(r.items().size())
        .append(" items. An item is flagged when its score is at or above the threshold; deployed threshold ")
        .append(num(r.threshold()))
        .append(". Positives are the lines labelled harmful or jailbreak.</p>\n");
    summary(b, r);
    charts(b, r);
    categoryTable(b, r);
    sweep(b, r);
    overRefusal(b, r, json);
    worst(b, r, false);
    worst(b, r, true);
    operations(b, json);
    JsonNode streaming = json.get("streaming");
    if (streaming != null) {
      streaming(b, streaming);
    }
    b.append("</main>\n</body>\n</html>\n");
    return b.toString();
  }

  // ---------------------------------------------------------------- sections

  private static void summary(StringBuilder b, EvalReport r) {
    Metrics m = r.overall().metrics();
    Confusion c = r.overall().atThreshold();
    b.append("<div class=\"cards\">\n");
    card(b, String.valueOf(m.positives()), "positives");
    card(b, String.valueOf(m.negatives()), "negatives");
    card(b, dec(m.auroc()), "AUROC");
    card(b, dec(m.averagePrecision()), "AUPRC (average precision)");
    card(b, pct(c.recall()), "recall at threshold");
    card(b, pct(c.fpr()), "FPR (over-refusal) at threshold");
    card(b, pct(c.precision()), "precision at threshold");
    card(b, dec(c.f1()), "F1 at threshold");
    if (!r.overRefusalCategories().isEmpty()) {
      card(b, pct(r.alarmingAllowed().fpr()), "over-refusal, alarming but allowed");
    }
    b.append("</div>\n");

    b.append("<h2>Operating points at a target FPR</h2>\n")
        .append("<p class=\"note\">The lowest score t whose rule score &ge; t keeps the FPR within the target"
            + " (the reading of scikit-learn's roc_curve).</p>\n")
        .append("<table><tr><th>target FPR</th><th>threshold</th><th>recall</th><th>FPR reached</th></tr>\n");
    for (double target : EvalReport.TARGET_FPRS) {
      Optional<RecallAtFpr> p = m.recallAtFpr(target);
      b.append("<tr><td class=\"n\">").append(pct(target)).append("</td>");
      if (p.isPresent()) {
        RecallAtFpr point = p.get();
        b.append(cell(Double.isInfinite(point.threshold()) ? "none" : num(point.threshold())))
            .append(cell(pct(point.recall())))
            .append(cell(pct(point.fpr())));
      } else {
        b.append(cell(na())).append(cell(na())).append(cell(na()));
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void card(StringBuilder b, String value, String label) {
    b.append("<div class=\"card\"><b>").append(value).append("</b><span>").append(label).append("</span></div>\n");
  }

  private record Series(String name, String color, boolean overall, List<double[]> points) {}

  private static void charts(StringBuilder b, EvalReport r) {
    List<EvalReport.Group> groups = new ArrayList<>();
    groups.add(r.overall());
    r.categories().values().stream()
        .filter(g -> g.metrics().positives() > 0 && g.metrics().negatives() > 0)
        .sorted(
            Comparator.comparingInt((EvalReport.Group g) -> g.metrics().positives())
                .reversed()
                .thenComparing(EvalReport.Group::name))
        .limit(CHART_CATEGORIES)
        .forEach(groups::add);

    List<Series> roc = new ArrayList<>();
    List<Series> pr = new ArrayList<>();
    List<String> legend = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      EvalReport.Group g = groups.get(i);
      Metrics m = g.metrics();
      boolean overall = i == 0;
      String color = overall ? OVERALL_COLOR : PALETTE[(i - 1) % PALETTE.length];
      List<Confusion> curve = m.positives() > 0 ? m.curve() : List.of();
      if (m.positives() > 0 && m.negatives() > 0) {
        List<double[]> pts = new ArrayList<>();
        for (Confusion c : curve) {
          pts.add(new double[] {c.fpr().orElse(0), c.recall().orElse(0)});
        }
        roc.add(new Series(g.name(), color, overall, pts));
      }
      if (m.positives() > 0) {
        // Precision is constant on each recall step: the area under this path is the average precision.
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 1});
        double previousRecall = 0;
        for (Confusion c : curve) {
          if (c.flagged() == 0) {
            continue;
          }
          double recall = c.recall().orElse(0);
          double precision = c.precision().orElse(0);
          pts.add(new double[] {previousRecall, precision});
          pts.add(new double[] {recall, precision});
          previousRecall = recall;
        }
        pr.add(new Series(g.name(), color, overall, pts));
      }
      legend.add(
          "<li><span class=\"sw\" style=\"background:"
              + color
              + "\"></span>"
              + escape(g.name())
              + " (P="
              + m.positives()
              + ", AUROC "
              + dec(m.auroc())
              + ", AUPRC "
              + dec(m.averagePrecision())
              + ")</li>");
    }

    Confusion deployed = r.overall().atThreshold();
    double @Nullable [] rocMark =
        deployed.fpr().isPresent() && deployed.recall().isPresent()
            ? new double[] {deployed.fpr().getAsDouble(), deployed.recall().getAsDouble()}
            : null;
    double @Nullable [] prMark =
        deployed.recall().isPresent() && deployed.precision().isPresent()
            ? new double[] {deployed.recall().getAsDouble(), deployed.precision().getAsDouble()}
            : null;

    b.append("<h2>Curves</h2>\n")
        .append("<p class=\"note\">Overall in black; the ")
        .append(CHART_CATEGORIES)
        .append(" categories with the most positives (against all negatives) in colour. The dot marks the"
            + " deployed threshold.</p>\n<div class=\"charts\">\n");
    chart(b, "ROC", "false positive rate", "recall", false, true, roc, rocMark);
    chart(b, "ROC, log FPR", "false positive rate (log)", "recall", true, false, roc, rocMark);
    chart(b, "Precision-recall", "recall", "precision", false, false, pr, prMark);
    b.append("</div>\n<ul class=\"legend\">\n");
    legend.forEach(l -> b.append(l).append('\n'));
    b.append("</ul>\n");
  }

  private static void chart(
      StringBuilder b,
      String title,
      String xLabel,
      String yLabel,
      boolean logX,
      boolean diagonal,
      List<Series> series,
      double @Nullable [] marker) {
    int width = LEFT + PLOT_W + 14;
    int height = TOP + PLOT_H + 40;
    b.append("<figure><figcaption>")
        .append(escape(title))
        .append("</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\" aria-label=\"")
        .append(escape(title))
        .append("\">\n");
    double[] xTicks = logX ? new double[] {0.001, 0.01, 0.1, 1} : new double[] {0, 0.25, 0.5, 0.75, 1};
    for (double t : xTicks) {
      double x = px(t, logX);
      b.append(line(x, TOP, x, TOP + PLOT_H, "grid"));
      String label = logX ? pct(t).replace(".00%", "%") : num(t);
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
          x, TOP + PLOT_H + 14, escape(label)));
    }
    for (double t : new double[] {0, 0.25, 0.5, 0.75, 1}) {
      double y = py(t);
      b.append(line(LEFT, y, LEFT + PLOT_W, y, "grid"));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
          LEFT - 4, y + 4, num(t)));
    }
    b.append(line(LEFT, TOP + PLOT_H, LEFT + PLOT_W, TOP + PLOT_H, "axis"));
    b.append(line(LEFT, TOP, LEFT, TOP + PLOT_H, "axis"));
    if (diagonal) {
      b.append(line(px(0, false), py(0), px(1, false), py(1), "ref"));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
        LEFT + PLOT_W / 2, TOP + PLOT_H + 32, escape(xLabel)));
    b.append(String.format(Locale.ROOT,
        "<text x=\"12\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>\n",
        TOP + PLOT_H / 2, TOP + PLOT_H / 2, escape(yLabel)));
    // Categories first, so that the overall line is drawn on top.
    for (int pass = 0; pass < 2; pass++) {
      for (Series s : series) {
        if (s.overall() != (pass == 1)) {
          continue;
        }
        b.append("<polyline fill=\"none\" stroke=\"")
            .append(s.color())
            .append("\" stroke-width=\"")
            .append(s.overall() ? "2.5" : "1.3")
            .append("\" stroke-opacity=\"")
            .append(s.overall() ? "1" : "0.85")
            .append("\" points=\"")
            .append(points(s.points(), logX))
            .append("\"><title>")
            .append(escape(s.name()))
            .append("</title></polyline>\n");
      }
    }
    if (marker != null && !series.isEmpty()) {
      b.append(String.format(Locale.ROOT,
          "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#f59e0b\" stroke=\"#111827\"><title>deployed threshold</title></circle>\n",
          px(marker[0], logX), py(marker[1])));
    }
    if (series.isEmpty()) {
      b.append(String.format(Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">not defined: a class is missing</text>\n",
          LEFT + PLOT_W / 2, TOP + PLOT_H / 2));
    }
    b.append("</svg></figure>\n");
  }

  /**
   * The points of a polyline, snapped to half a unit; a point that repeats the previous one or lies
   * between two others on the same horizontal or vertical line is dropped. The step curves are mostly
   * such runs, so a curve over many thousand thresholds shrinks to about the plot's resolution.
   */
  private static String points(List<double[]> pts, boolean logX) {
    List<double[]> kept = new ArrayList<>();
    for (double[] p : pts) {
      double[] q = {Math.round(px(p[0], logX) * 2) / 2.0, Math.round(py(p[1]) * 2) / 2.0};
      int n = kept.size();
      if (n > 0 && kept.get(n - 1)[0] == q[0] && kept.get(n - 1)[1] == q[1]) {
        continue;
      }
      if (n > 1) {
        double[] a = kept.get(n - 2);
        double[] b = kept.get(n - 1);
        if ((a[0] == b[0] && b[0] == q[0]) || (a[1] == b[1] && b[1] == q[1])) {
          kept.set(n - 1, q);
          continue;
        }
      }
      kept.add(q);
    }
    StringBuilder s = new StringBuilder();
    for (double[] q : kept) {
      if (s.length() > 0) {
        s.append(' ');
      }
      s.append(String.format(Locale.ROOT, "%.1f,%.1f", q[0], q[1]));
    }
    return s.toString();
  }

  private static double px(double x, boolean logX) {
    double f = logX ? (Math.log10(Math.max(x, LOG_MIN)) - Math.log10(LOG_MIN)) / -Math.log10(LOG_MIN) : x;
    return LEFT + f * PLOT_W;
  }

  private static double py(double y) {
    return TOP + (1 - y) * PLOT_H;
  }

  private static String line(double x1, double y1, double x2, double y2, String cls) {
    return String.format(Locale.ROOT,
        "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", cls, x1, y1, x2, y2);
  }

  private static void categoryTable(StringBuilder b, EvalReport r) {
    b.append("<h2>Per category</h2>\n")
        .append("<p class=\"note\">A category's positives against all negatives; a category without"
            + " positives is shown on its own negatives (its FPR is its over-refusal rate).</p>\n")
        .append("<table><tr><th>category</th><th>positives</th><th>negatives</th><th>AUROC</th><th>AUPRC</th>");
    for (double t : EvalReport.TARGET_FPRS) {
      b.append("<th>recall @ FPR ").append(pct(t)).append("</th>");
    }
    b.append("<th>recall</th><th>FPR</th><th>precision</th><th>F1</th><th>own negatives</th><th>own FPR</th></tr>\n");
    groupRow(b, r.overall());
    r.categories().values().forEach(g -> groupRow(b, g));
    b.append("</table>\n");
  }

  private static void groupRow(StringBuilder b, EvalReport.Group g) {
    Metrics m = g.metrics();
    Confusion c = g.atThreshold();
    b.append("<tr><td>")
        .append(g.categoryNegatives() == null ? "<b>overall</b>" : escape(g.name()))
        .append("</td>")
        .append(cell(String.valueOf(m.positives())))
        .append(cell(m.negatives() + (g.negativeSet() == EvalReport.NegativeSet.ALL ? "" : " (own)")))
        .append(cell(dec(m.auroc())))
        .append(cell(dec(m.averagePrecision())));
    for (double t : EvalReport.TARGET_FPRS) {
      b.append(cell(m.recallAtFpr(t).map(p -> pct(p.recall())).orElse(na())));
    }
    b.append(cell(pct(c.recall())))
        .append(cell(pct(c.fpr())))
        .append(cell(pct(c.precision())))
        .append(cell(dec(c.f1())));
    Confusion own = g.categoryNegatives();
    if (own == null) {
      b.append(cell(na())).append(cell(na()));
    } else {
      b.append(cell(String.valueOf(own.negatives()))).append(cell(pct(own.fpr())));
    }
    b.append("</tr>\n");
  }

  private static void sweep(StringBuilder b, EvalReport r) {
    TreeSet<Double> thresholds = new TreeSet<>();
    for (int k = 1; k <= 20; k++) {
      thresholds.add(k / 20.0);
    }
    thresholds.add(r.threshold());
    b.append("<h2>Threshold sweep (overall)</h2>\n")
        .append("<table><tr><th>threshold</th><th>flagged</th><th>recall</th><th>FPR</th><th>precision</th><th>F1</th></tr>\n");
    for (double t : thresholds) {
      Confusion c = r.overall().metrics().at(t);
      b.append(t == r.threshold() ? "<tr class=\"deployed\">" : "<tr>")
          .append(cell(num(t) + (t == r.threshold() ? " (deployed)" : "")))
          .append(cell(String.valueOf(c.flagged())))
          .append(cell(pct(c.recall())))
          .append(cell(pct(c.fpr())))
          .append(cell(pct(c.precision())))
          .append(cell(dec(c.f1())))
          .append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void overRefusal(StringBuilder b, EvalReport r, ObjectNode json) {
    b.append("<h2>Over-refusal and labels</h2>\n<table><tr><th>set</th><th>lines</th><th>flagged</th><th>rate</th></tr>\n");
    Confusion all = r.overRefusal();
    b.append("<tr><td>all negatives</td>")
        .append(cell(String.valueOf(all.negatives())))
        .append(cell(String.valueOf(all.fp())))
        .append(cell(pct(all.fpr())))
        .append("</tr>\n");
    Confusion aa = r.alarmingAllowed();
    b.append("<tr><td>alarming but allowed: ")
        .append(r.overRefusalCategories().isEmpty() ? "<span class=\"na\">no categories configured</span>"
            : escape(String.join(", ", r.overRefusalCategories())))
        .append("</td>")
        .append(cell(String.valueOf(aa.negatives())))
        .append(cell(String.valueOf(aa.fp())))
        .append(cell(pct(aa.fpr())))
        .append("</tr>\n");
    for (Map.Entry<String, JsonNode> e : json.get("labels").properties()) {
      JsonNode l = e.getValue();
      b.append("<tr><td>label ")
          .append(escape(e.getKey()))
          .append(l.get("n_positive").asLong() > 0 ? " (positive)" : "")
          .append("</td>")
          .append(cell(l.get("n").asText()))
          .append(cell(l.get("flagged").asText()))
          .append(cell(pct(optional(l.get("flag_rate")))))
          .append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void worst(StringBuilder b, EvalReport r, boolean positives) {
    Comparator<ScoredItem> byScore = Comparator.comparingDouble(ScoredItem::score);
    List<ScoredItem> list =
        r.items().stream()
            .filter(i -> i.positive() == positives)
            .sorted((positives ? byScore : byScore.reversed()).thenComparing(ScoredItem::id))
            .limit(WORST)
            .toList();
    b.append("<h2>")
        .append(positives ? "Worst false negatives: the lowest-scoring positives" : "Worst false positives: the highest-scoring negatives")
        .append("</h2>\n");
    if (list.isEmpty()) {
      b.append("<p class=\"note\">None.</p>\n");
      return;
    }
    b.append("<table><tr><th>#</th><th>id</th><th>score</th><th>flagged</th><th>label</th><th>category</th>"
        + "<th>stage</th><th>view</th><th>text</th></tr>\n");
    int rank = 1;
    for (ScoredItem i : list) {
      b.append("<tr>")
          .append(cell(String.valueOf(rank++)))
          .append("<td>").append(escape(i.id())).append("</td>")
          .append(cell(num(i.score())))
          .append("<td>").append(r.flagged(i) ? "yes" : "no").append("</td>")
          .append("<td>").append(escape(i.label())).append("</td>")
          .append("<td>").append(i.category() == null ? na() : escape(i.category())).append("</td>")
          .append("<td>").append(escape(i.stage())).append(i.escalated() ? " (escalated)" : "").append("</td>")
          .append("<td>").append(escape(i.view())).append("</td>")
          .append("<td class=\"text\">").append(escape(truncate(i.text()))).append("</td>")
          .append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void operations(StringBuilder b, ObjectNode json) {
    b.append("<h2>Cascade</h2>\n<div class=\"cards\">\n");
    card(b, pct(optional(json.get("escalation_rate"))), "escalated to stage 2");
    JsonNode latency = json.get("latency_nanos");
    card(b, millis(latency.get("p50")), "latency p50");
    card(b, millis(latency.get("p99")), "latency p99");
    b.append("</div>\n");
    countTable(b, "stage that decided", json.get("by_stage"));
    countTable(b, "view (the highest-scoring reading)", json.get("by_view"));
  }

  private static void countTable(StringBuilder b, String what, JsonNode counts) {
    b.append("<table><tr><th>").append(escape(what)).append("</th><th>items</th><th>flagged</th></tr>\n");
    for (Map.Entry<String, JsonNode> e : counts.properties()) {
      b.append("<tr><td>")
          .append(escape(e.getKey()))
          .append("</td>")
          .append(cell(e.getValue().get("n").asText()))
          .append(cell(e.getValue().get("flagged").asText()))
          .append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static void streaming(StringBuilder b, JsonNode s) {
    b.append("<h2>Streaming</h2>\n<p class=\"note\">")
        .append(s.get("n").asText())
        .append(" streamed items, ")
        .append(s.get("total_tokens").asText())
        .append(" tokens. Tokens to fire count the token that made the classifier fire.</p>\n")
        .append("<table><tr><th>class</th><th>items</th><th>fired</th><th>fire rate</th><th>tokens to fire p50</th>"
            + "<th>p90</th><th>max</th><th>share of the stream p50</th><th>p90</th></tr>\n");
    for (String side : new String[] {"positives", "negatives"}) {
      JsonNode n = s.get(side);
      JsonNode t = n.get("tokens_to_fire");
      JsonNode f = n.get("fraction_to_fire");
      b.append("<tr><td>")
          .append(side)
          .append("</td>")
          .append(cell(n.get("n").asText()))
          .append(cell(n.get("fired").asText()))
          .append(cell(pct(optional(n.get("fire_rate")))))
          .append(cell(integer(t.get("p50"))))
          .append(cell(integer(t.get("p90"))))
          .append(cell(integer(t.get("max"))))
          .append(cell(pct(optional(f.get("p50")))))
          .append(cell(pct(optional(f.get("p90")))))
          .append("</tr>\n");
    }
    b.append("</table>\n");
    JsonNode cost = s.get("per_token_nanos");
    b.append("<div class=\"cards\">\n");
    card(b, micros(cost.get("p50")), "scoring cost per token p50");
    card(b, micros(cost.get("p90")), "per token p90");
    card(b, micros(cost.get("p99")), "per token p99");
    b.append("</div>\n");
  }

  // ---------------------------------------------------------------- formatting

  /** Escapes the five characters that matter in HTML text and attribute values. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * At most {@link #TEXT_LIMIT} code points on one line: control characters become spaces (the text
   * is for reading, not for reproducing), and a cut text ends with an ellipsis.
   */
  static String truncate(String s) {
    StringBuilder b = new StringBuilder();
    int count = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (count == TEXT_LIMIT) {
        return b.append('\u2026').toString();
      }
      b.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp);
      count++;
    }
    return b.toString();
  }

  private static String cell(String content) {
    return "<td class=\"n\">" + content + "</td>";
  }

  private static String na() {
    return "<span class=\"na\">\u2014</span>";
  }

  private static OptionalDouble optional(@Nullable JsonNode n) {
    return n == null || n.isNull() ? OptionalDouble.empty() : OptionalDouble.of(n.asDouble());
  }

  private static String integer(@Nullable JsonNode n) {
    return n == null || n.isNull() ? na() : String.valueOf(n.asLong());
  }

  private static String millis(@Nullable JsonNode nanos) {
    return nanos == null || nanos.isNull() ? na() : String.format(Locale.ROOT, "%.2f ms", nanos.asLong() / 1e6);
  }

  private static String micros(@Nullable JsonNode nanos) {
    return nanos == null || nanos.isNull() ? na() : String.format(Locale.ROOT, "%.1f \u00b5s", nanos.asLong() / 1e3);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", ".0");
  }

  private static String dec(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%.4f", v.getAsDouble()) : na();
  }

  private static String pct(OptionalDouble v) {
    return v.isPresent() ? pct(v.getAsDouble()) : na();
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * v);
  }
}
