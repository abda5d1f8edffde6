package io.propius.client.dataplane;

/**
 * The data plane's answer to a result upload.
 *
 * @param accepted the result counts toward the round
 * @param duplicate this task token had already uploaded; the result was not counted twice
 */
public record UploadReceipt(boolean accepted, boolean duplicate) {
}
