package io.faultline.executor.probe.promql;

import static org.assertj.core.api.Assertions.assertThat;

import io.faultline.executor.probe.promql.PromqlAnswer.Sample;
import org.junit.jupiter.api.Test;

class PromqlAnswerTest {
  private static Sample read(String body) {
    return PromqlAnswer.read(200, body, false);
  }

  @Test
  void readsTheFirstSampleOfAVector() {
    assertThat(
            read(
                """
                {"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"job":"api"},"value":[1733400000.5,"0.25"]},
                {"metric":{"job":"db"},"value":[1733400000.5,"9"]}]}}"""))
        .isEqualTo(new Sample.Value(0.25));
  }

  @Test
  void readsAScalar() {
    assertThat(
            read(
                """
                {"status":"success","data":{"resultType":"scalar","result":[1733400000,"42"]}}"""))
        .isEqualTo(new Sample.Value(42));
  }

  @Test
  void anEmptyVectorHasNoSample() {
    assertThat(read("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))
        .isEqualTo(new Sample.Problem("no sample"));
  }

  @Test
  void refusesMatricesStringsAndNonFiniteSamples() {
    assertThat(
            read(
                """
                {"status":"success","data":{"resultType":"matrix","result":[]}}"""))
        .isEqualTo(
            new Sample.Problem(
                "the query returns a matrix; an instant vector or a scalar is expected"));
    assertThat(
            read(
                """
                {"status":"success","data":{"resultType":"vector","result":[
                {"metric":{},"value":[1,"NaN"]}]}}"""))
        .isEqualTo(new Sample.Problem("sample is NaN, not a finite number"));
    assertThat(
            read(
                """
                {"status":"success","data":{"resultType":"scalar","result":[1,"+Inf"]}}"""))
        .isEqualTo(new Sample.Problem("sample is +Inf, not a finite number"));
    assertThat(
            read(
                """
                {"status":"success","data":{"resultType":"scalar","result":[1,"abc"]}}"""))
        .isEqualTo(new Sample.Problem("malformed sample"));
  }

  @Test
  void saysWhyAQueryFailedWithoutQuotingABody() {
    assertThat(
            PromqlAnswer.read(
                400,
                """
                {"status":"error","errorType":"bad_data","error":"parse error at char 3"}""",
                false))
        .isEqualTo(new Sample.Problem("HTTP 400, query failed (bad_data): parse error at char 3"));
    assertThat(PromqlAnswer.read(502, "<html>bad gateway</html>", false))
        .isEqualTo(new Sample.Problem("HTTP 502, not a Prometheus API answer"));
    assertThat(PromqlAnswer.read(200, "{}", true))
        .isEqualTo(new Sample.Problem("answer larger than 64 KiB; not read"));
  }
}
