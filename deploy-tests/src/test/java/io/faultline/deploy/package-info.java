/**
 * Checks of what operators deploy: the Helm chart {@code deploy/helm/faultline} linted and rendered
 * by Helm itself (helm-java), the alerts evaluated by {@code promtool}, the services' images as
 * their poms declare them (Jib) compared with the chart, {@code docker-compose.yml} (Compose's own
 * check, its settings, and the services run on its environments), and {@code deploy/README.md}
 * naming only what exists.
 */
package io.faultline.deploy;
