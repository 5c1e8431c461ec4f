/**
 * The enhanced due-diligence process: partner organizations apply for adjusted safeguards, distinct
 * reviewers assess their trustworthiness and the beneficial nature of their use case, and an
 * approval grants an adjusted tier for a bounded time ({@link
 * dev.bulwark.access.diligence.DueDiligence}, with its {@link
 * dev.bulwark.access.diligence.DiligenceRules}). {@link dev.bulwark.access.diligence.OrgAccess}
 * computes the tier an organization's traffic runs under at a given instant (grant windows,
 * step-downs), which the key directory serves from memory. {@link
 * dev.bulwark.access.diligence.AdminCredentials} authenticates the admin plane's bearer tokens,
 * which are separate from API keys.
 */
@NullMarked
package dev.bulwark.access.diligence;

import org.jspecify.annotations.NullMarked;
