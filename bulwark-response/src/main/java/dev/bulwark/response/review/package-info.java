/**
 * The human review queue: items from the monitor, incidents, appeals and the gate's edge cases;
 * assignment, priority, SLA timers with escalation to a senior reviewer, labels that feed training
 * data and regression corpora, and redaction of personal data in everything a reviewer sees.
 */
@NullMarked
package dev.bulwark.response.review;

import org.jspecify.annotations.NullMarked;
