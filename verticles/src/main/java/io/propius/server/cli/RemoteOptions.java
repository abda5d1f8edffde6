package io.propius.server.cli;

import picocli.CommandLine.Option;

/** Where a remote command goes, with what key, and how it prints. */
final class RemoteOptions {
  @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:PROPIUS_SERVER:-http://localhost:9400}",
      description = "the node's admin API (env PROPIUS_SERVER; default ${DEFAULT-VALUE})")
  String server;

  @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:PROPIUS_ADMIN_KEY}",
      description = "operator key, sent as a bearer token (env PROPIUS_ADMIN_KEY)")
  String key;

  @Option(names = "--json", description = "print the server's JSON instead of a table")
  boolean json;

  AdminClient client() {
    return new AdminClient(server, key);
  }
}
