/**
 * The versioned registry of artifacts (classifier bundles, exemplar indexes, prompt patches, signature
 * rules) and releases (one artifact of each kind), and their deployment: a history of desired states
 * in the store, applied to running gateways and monitors by a {@link
 * dev.bulwark.response.registry.DeploymentWatcher} that swaps whole pipelines atomically. Canaries run
 * a release for some policies first; rollback restores the state before the last change.
 */
@NullMarked
package dev.bulwark.response.registry;

import org.jspecify.annotations.NullMarked;
