package io.faultline.executor.aws;

import io.faultline.executor.fault.TransportException;

/** What an AWS call's failure says, in one line, for lifecycle details and logs. */
final class AwsErrors {
  private AwsErrors() {}

  /** STS refused the role (its trust policy's conditions, e.g. the external id, did not match). */
  static boolean accessDenied(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
          && aws.awsErrorDetails() != null
          && "AccessDenied".equals(aws.awsErrorDetails().errorCode())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The failure in one line: the AWS error code and HTTP status when the service answered,
   * otherwise the exception's type and first message line.
   */
  static String describe(Throwable e) {
    Throwable cause = e;
    while (cause instanceof TransportException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
        && aws.awsErrorDetails() != null) {
      String code = aws.awsErrorDetails().errorCode();
      // moto answers what it does not implement with a bare HTTP 500, without an error code.
      return code == null || code.isBlank()
          ? "HTTP " + aws.statusCode()
          : code + " (HTTP " + aws.statusCode() + ")";
    }
    if (cause instanceof software.amazon.awssdk.core.exception.SdkServiceException service) {
      return "HTTP " + service.statusCode();
    }
    String message =
        cause.getMessage() == null ? "" : cause.getMessage().lines().findFirst().orElse("");
    return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
  }
}
