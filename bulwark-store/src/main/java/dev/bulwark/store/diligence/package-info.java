/**
 * The stored form of the enhanced due-diligence process: people and their admin credentials,
 * partner applications, reviews, tier grants and step-downs, and {@link
 * dev.bulwark.store.diligence.DiligenceStore}, which reads them and writes them in audited
 * transactions. The rules (who may review, when an application is approved) live in the access
 * module; the store only keeps the data consistent and every change in the hash-chained log.
 */
@NullMarked
package dev.bulwark.store.diligence;

import org.jspecify.annotations.NullMarked;
