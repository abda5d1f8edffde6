package io.propius.server.store;

/** The contract, against the embedded store. */
class InMemoryJobStoreTest extends JobStoreContract {
  @Override
  protected JobStore createStore() {
    return new InMemoryJobStore();
  }
}
