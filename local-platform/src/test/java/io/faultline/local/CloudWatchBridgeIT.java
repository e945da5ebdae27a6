package io.faultline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * The local platform's AWS wiring for CloudWatch probes: {@link LocalAws}, moto and the bridge as
 * {@code ./faultline-local} starts them, the bridge the services' AWS endpoint. A tenant's alarm,
 * read as the executor's {@code cloudwatch-alarm} probe reads it (the SDK's CloudWatch client,
 * through the tenant's assumed role), is OK and then ALARM; straight to moto the same call is
 * refused, which is why the bridge is there.
 */
class CloudWatchBridgeIT {
  private LocalAws aws;

  @AfterEach
  void stop() {
    if (aws != null) {
      aws.close();
    }
  }

  @Test
  void anAlarmReadsOkThenAlarmThroughTheBridgeTheExecutorIsGiven(@TempDir Path dir) {
    aws = LocalAws.start(Ports.free(), dir);
    aws.awaitReady(Duration.ofSeconds(30));
    MotoAccount tenant = MotoAccount.fresh(aws.motoEndpoint(), DemoTenant.REGION);

    try (CloudWatchClient viaBridge = cloudWatch(aws.servicesEndpoint(), tenant)) {
      viaBridge.putMetricAlarm(
          b ->
              b.alarmName("checkout-5xx")
                  .namespace("Checkout")
                  .metricName("Errors")
                  .statistic(Statistic.SUM)
                  .period(60)
                  .evaluationPeriods(1)
                  .threshold(1.0)
                  .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
      viaBridge.setAlarmState(
          b -> b.alarmName("checkout-5xx").stateValue(StateValue.OK).stateReason("steady"));
      assertThat(state(viaBridge)).isEqualTo(StateValue.OK);

      viaBridge.setAlarmState(
          b -> b.alarmName("checkout-5xx").stateValue(StateValue.ALARM).stateReason("5xx"));
      assertThat(state(viaBridge)).isEqualTo(StateValue.ALARM);
    }
    try (CloudWatchClient straight = cloudWatch(aws.motoEndpoint(), tenant)) {
      assertThatThrownBy(() -> state(straight))
          .isInstanceOf(CloudWatchException.class)
          .satisfies(e -> assertThat(((CloudWatchException) e).statusCode()).isEqualTo(404));
    }
  }

  private static StateValue state(CloudWatchClient cloudWatch) {
    return cloudWatch
        .describeAlarms(b -> b.alarmNames("checkout-5xx"))
        .metricAlarms()
        .getFirst()
        .stateValue();
  }

  private static CloudWatchClient cloudWatch(URI endpoint, MotoAccount tenant) {
    return CloudWatchClient.builder()
        .endpointOverride(endpoint)
        .region(Region.of(tenant.region()))
        .credentialsProvider(tenant.assumedCredentials())
        .build();
  }
}
