/**
 * Evaluation of the classifiers on labelled data: ranking and threshold metrics ({@link
 * dev.bulwark.classify.eval.Metrics}), the scored items they are computed from ({@link
 * dev.bulwark.classify.eval.ScoredItem}) and the report that {@code bulwark eval} writes ({@link
 * dev.bulwark.classify.eval.EvalReport}: {@code metrics.json} and a self-contained {@code
 * report.html}).
 *
 * <p>Throughout, an item is flagged when its score is at or above the threshold ({@code score >=
 * threshold}), the rule the deployed cascade uses.
 */
@NullMarked
package dev.bulwark.classify.eval;

import org.jspecify.annotations.NullMarked;
