package io.faultline.executor.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IamTemplateActionsTest {

  @Test
  void targetRoleAllowsExactlyTheOperationsThisPackageCalls() {
    var called = IamTemplates.calledTargetOperations();

    assertThat(called)
        .as("the regex still finds the calls")
        .contains("ec2:DescribeInstances", "ssm:SendCommand", "ecs:DescribeClusters");
    assertThat(
            IamTemplates.allowedActions(IamTemplates.load("target-role.yaml"), "TargetPermissions"))
        .containsExactlyElementsOf(called);
  }

  @Test
  void hubRoleMayOnlyAssumeTheTargetRoleWithTagsAndSourceIdentity() {
    // AssumeRole is the only call made with the hub role's own credentials; it carries session
    // tags and a source identity, which need sts:TagSession and sts:SetSourceIdentity.
    assertThat(IamTemplates.calledStsOperations()).containsExactly("sts:AssumeRole");
    var hub = IamTemplates.load("hub-role.yaml");

    assertThat(IamTemplates.allowedActions(hub, "HubPermissions"))
        .containsExactly("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession");
    assertThat(IamTemplates.statements(hub, "HubPermissions").getFirst().get("Resource"))
        .isEqualTo(Map.of("Fn::Sub", "arn:${AWS::Partition}:iam::*:role/${TargetRoleName}"));
  }

  @Test
  void faultlineDocumentsAreTheOnlyDocumentsTheTargetRoleMayWriteOrRun() {
    assertThat(
            io.faultline.executor.fault.document.SsmDocument.forFaultType("ec2-process-kill")
                .name())
        .startsWith("Faultline-");
    for (var statement :
        IamTemplates.statements(IamTemplates.load("target-role.yaml"), "TargetPermissions")) {
      var actions = IamTemplates.list(statement.get("Action"));
      if (actions.stream()
          .anyMatch(
              a ->
                  List.of("ssm:CreateDocument", "ssm:UpdateDocument", "ssm:SendCommand")
                      .contains(a))) {
        assertThat(statement.get("Resource").toString())
            .contains(":document/Faultline-*")
            .doesNotContain("document/*")
            .doesNotContain("Resource=*");
        assertThat(statement.get("Resource")).isNotEqualTo("*");
      }
    }
  }
}
