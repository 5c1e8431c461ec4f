/**
 * The rapid-response benchmark ({@code bulwark respond bench}): the whole loop, from report to deployed
 * patch, per attack family with 1 and 5 observed examples, and a generator of a development family set
 * from the shared data.
 */
@NullMarked
package dev.bulwark.response.bench;

import org.jspecify.annotations.NullMarked;
