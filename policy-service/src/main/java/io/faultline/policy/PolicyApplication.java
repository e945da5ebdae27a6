package io.faultline.policy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the policy-service. */
@SpringBootApplication
public class PolicyApplication {
  public static void main(String[] args) {
    SpringApplication.run(PolicyApplication.class, args);
  }
}
