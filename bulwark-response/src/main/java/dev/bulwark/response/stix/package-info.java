/**
 * Threat-intelligence sharing: a family exported as a STIX 2.1 bundle (identity, attack-pattern,
 * indicators, relationships, report; personal data redacted, reporters and completions left out),
 * and partners' bundles imported as reports.
 */
@NullMarked
package dev.bulwark.response.stix;

import org.jspecify.annotations.NullMarked;
