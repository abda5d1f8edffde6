package io.propius.api.query;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;

/** A query that does not parse; the message names the column and what was expected. */
public final class QuerySyntaxException extends PropiusException {
  QuerySyntaxException(String query, int column, String problem) {
    super(ErrorCode.INVALID_ARGUMENT, "bad query at column " + column + ": " + problem + " in '" + query + "'");
  }
}
