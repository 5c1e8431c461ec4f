package dev.bulwark.store.diligence;

import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Organization;
import dev.bulwark.store.TierRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * People, admin credentials, partner applications, reviews, tier grants and step-downs.
 *
 * <p>Writes go through {@link #write}: one transaction that first takes the hash chain's write lock
 * (as the key store's writes do), so every write of every process is serialized and a workflow's
 * checks see the state its changes apply to. Two reviewers approving at the same moment therefore
 * cannot both believe they cast the deciding vote. A transaction that produced audit events appends
 * them to the chain and increases the key store's {@code changeVersion()} in the same commit, so the
 * gateways' key directories reload grants and step-downs on their next poll.
 *
 * <p>Reads run on pooled connections and see committed data only.
 */
public interface DiligenceStore {
  /**
   * Runs {@code work} in one write transaction and commits it; an exception thrown by {@code work}
   * rolls everything back (its audit events included) and propagates unchanged.
   *
   * @param what names the work in the message of a {@link dev.bulwark.store.StoreException}
   */
  <T> T write(String what, Work<T> work);

  /** A unit of work inside {@link #write}. */
  @FunctionalInterface
  interface Work<T> {
    T apply(Tx tx);
  }

  /**
   * The view of one write transaction. Reads see the transaction's own changes; every method
   * throws {@link dev.bulwark.store.StoreException} on a database failure. Not thread-safe: use it
   * only inside the {@link Work} it was given to.
   */
  interface Tx {
    Optional<Organization> organization(String id);

    Optional<TierRecord> tier(String name);

    Optional<Person> person(String id);

    Optional<AdminToken> adminToken(String id);

    Optional<Application> application(String id);

    /** The application's reviews, oldest first. */
    List<Review> reviews(String applicationId);

    /** The organization's grants, newest first. */
    List<Grant> grants(String orgId);

    Optional<Grant> grant(String id);

    /** The organization's uncleared step-down, if any. */
    Optional<TierOverride> openOverride(String orgId);

    void insert(Person person);

    void insert(AdminToken token);

    void insert(Application application);

    void insert(Review review);

    void insert(Grant grant);

    void insert(TierOverride override);

    /** Stores a decided application's status, decision time and reason. */
    void updateDecision(Application application);

    /** Stores a grant's revocation. */
    void updateRevocation(Grant grant);

    /** Stores a token's revocation. */
    void updateRevocation(AdminToken token);

    /** Stores a step-down's clearing. */
    void updateClearing(TierOverride override);

    /** Appends {@code event} to the hash chain when the transaction commits. */
    void audit(EventRecord event);
  }

  Optional<Person> person(String id);

  /** People of one organization, or of all when null, by id. */
  List<Person> people(@Nullable String orgId);

  Optional<AdminToken> adminToken(String id);

  /** A person's credentials, by id. */
  List<AdminToken> adminTokens(String personId);

  Optional<Application> application(String id);

  /** Applications of one organization, or of all when null, newest first. */
  List<Application> applications(@Nullable String orgId);

  /** An application's reviews, oldest first. */
  List<Review> reviews(String applicationId);

  Optional<Grant> grant(String id);

  /** Grants of one organization, or of all when null, newest first. */
  List<Grant> grants(@Nullable String orgId);

  /**
   * Grants not revoked whose window has not ended at {@code at}: what a policy snapshot needs (a
   * grant that starts later is included; readers still compare the window with their clock).
   */
  List<Grant> unexpiredGrants(Instant at);

  /** Step-downs, of one organization or of all when null, newest first. */
  List<TierOverride> overrides(@Nullable String orgId);

  /** Step-downs not cleared, of every organization. */
  List<TierOverride> openOverrides();
}
