/**
 * Checks of what operators deploy: the Helm chart {@code deploy/helm/faultline} linted and rendered
 * by Helm itself (helm-java), the alerts evaluated by {@code promtool}, and the services' images as
 * their poms declare them (Jib), compared with the chart.
 */
package io.faultline.deploy;
