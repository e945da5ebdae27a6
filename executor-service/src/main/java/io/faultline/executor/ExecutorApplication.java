package io.faultline.executor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the executor-service. */
@SpringBootApplication
public class ExecutorApplication {
  public static void main(String[] args) {
    SpringApplication.run(ExecutorApplication.class, args);
  }
}
