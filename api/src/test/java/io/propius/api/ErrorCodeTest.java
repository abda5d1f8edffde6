package io.propius.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorCodeTest {
  @Test
  void aBareHttpStatusMapsToTheMostGeneralCodeWithThatStatus() {
    assertThat(ErrorCode.ofHttpStatus(400)).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(ErrorCode.ofHttpStatus(403)).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(ErrorCode.ofHttpStatus(409)).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(ErrorCode.ofHttpStatus(410)).isEqualTo(ErrorCode.JOB_EXPIRED);
    assertThat(ErrorCode.ofHttpStatus(413)).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(ErrorCode.ofHttpStatus(429)).isEqualTo(ErrorCode.ADMISSION_DENIED);
    assertThat(ErrorCode.ofHttpStatus(503)).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.ofHttpStatus(418)).isEqualTo(ErrorCode.INTERNAL);
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(ErrorCode.ofHttpStatus(code.httpStatus()).httpStatus()).isEqualTo(code.httpStatus());
    }
  }
}
