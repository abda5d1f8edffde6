package io.propius.api.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TokensTest {
  private final TokenSigner signer = new TokenSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

  private static ErrorCode code(Runnable r) {
    try {
      r.run();
    } catch (PropiusException e) {
      return e.code();
    }
    throw new AssertionError("no failure");
  }

  @Test
  void taskTokensRoundTripAndRejectTampering() {
    String token = new TaskToken(7, 3, "phone-1", 1_000).encode(signer);
    assertThat(TaskToken.verify(signer, token, 999)).isEqualTo(new TaskToken(7, 3, "phone-1", 1_000));
    assertThat(code(() -> TaskToken.verify(signer, token, 1_001))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    String[] parts = token.split("\\.");
    String otherPayload = new TaskToken(8, 3, "phone-1", 1_000).encode(signer).split("\\.")[1];
    assertThat(code(() -> TaskToken.verify(signer, parts[0] + "." + otherPayload + "." + parts[2], 0)))
        .isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(code(() -> TaskToken.verify(TokenSigner.random(), token, 0))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThatThrownBy(() -> TaskToken.verify(signer, token, 0).requireFor(7, 4))
        .hasMessageContaining("job 7 round 3, not job 7 round 4");
  }

  @Test
  void anOfferTokenIsNeverATaskToken() {
    String offer = new OfferToken("phone-1", 7, 3, 1_000).encode(signer);
    assertThat(OfferToken.verify(signer, offer, "phone-1", 0).jobId()).isEqualTo(7);
    assertThat(code(() -> TaskToken.verify(signer, offer, 0))).isEqualTo(ErrorCode.UNAUTHENTICATED);
    assertThat(code(() -> OfferToken.verify(signer, offer, "phone-2", 0))).isEqualTo(ErrorCode.OFFER_INVALID);
    assertThat(code(() -> OfferToken.verify(signer, offer, "phone-1", 2_000))).isEqualTo(ErrorCode.OFFER_EXPIRED);
  }

  @Test
  void shortSecretsAreRefused() {
    assertThatThrownBy(() -> new TokenSigner(new byte[16])).hasMessageContaining("at least 32 bytes");
  }
}
