/**
 * Layer 4: rapid response. A jailbreak reported by the bug bounty, a red team, the monitor or a
 * partner becomes a family of attacks, is proliferated into variants, and is patched (exemplar index,
 * prompt patch, classifier fine-tune, signature rule); a validation gate decides whether a candidate
 * release may go live, and the registry swaps it into running gateways atomically, with canaries and
 * one-command rollback. {@link dev.bulwark.response.RapidResponse} runs the loop; the human review
 * queue and STIX sharing live in their own packages.
 */
@NullMarked
package dev.bulwark.response;

import org.jspecify.annotations.NullMarked;
