package io.faultline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.local.MotoAccount;
import io.faultline.testsupport.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * CloudWatch alarms in a tenant's moto account, made and flipped as the tenant's own tooling would:
 * boto3 (installed beside moto) with the tenant's role assumed, so the alarm lives in the account
 * the executors' probes read through that role.
 */
final class MotoAlarms {
  private static final String SCRIPT =
      """
      import sys, boto3
      endpoint, role, region, alarm, state = sys.argv[1:]
      sts = boto3.client("sts", endpoint_url=endpoint, region_name=region,
                         aws_access_key_id="test", aws_secret_access_key="test")
      c = sts.assume_role(RoleArn=role, RoleSessionName="e2e-alarms")["Credentials"]
      cw = boto3.client("cloudwatch", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=c["AccessKeyId"],
                        aws_secret_access_key=c["SecretAccessKey"],
                        aws_session_token=c["SessionToken"])
      if not cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"]:
          cw.put_metric_alarm(AlarmName=alarm, Namespace="Checkout", MetricName="Errors",
                              Statistic="Sum", Period=60, EvaluationPeriods=1, Threshold=1,
                              ComparisonOperator="GreaterThanThreshold")
      cw.set_alarm_state(AlarmName=alarm, StateValue=state, StateReason="e2e")
      print(cw.describe_alarms(AlarmNames=[alarm])["MetricAlarms"][0]["StateValue"])
      """;

  private MotoAlarms() {}

  /** Makes the alarm if it is missing and sets its state ({@code OK}, {@code ALARM}). */
  static void set(MotoAccount account, String alarm, String state) {
    try {
      Process python =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  SCRIPT,
                  MotoServer.shared().endpoint().toString(),
                  account.roleArn(),
                  account.region(),
                  alarm,
                  state)
              .redirectErrorStream(true)
              .start();
      assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("boto3 within a minute").isTrue();
      String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(python.exitValue()).as(out).isZero();
      assertThat(out.strip()).as(out).endsWith(state);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run boto3", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
