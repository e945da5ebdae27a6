{{/* Names, labels and the per-service pieces every template shares. */}}

{{- define "faultline.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "faultline.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "faultline.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "faultline.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: faultline
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The services, in a fixed order: key (values section), component (the service's name, also its
Prometheus job and its image's name by default).
*/}}
{{- define "faultline.services" -}}
- {key: policy, component: policy-service}
- {key: executor, component: executor-service}
- {key: scheduler, component: scheduler-service}
{{- end -}}

{{- define "faultline.componentName" -}}
{{- printf "%s-%s" (include "faultline.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "faultline.componentLabels" -}}
{{ include "faultline.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "faultline.selectorLabels" -}}
app.kubernetes.io/name: {{ include "faultline.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "faultline.serviceAccountName" -}}
{{- if .v.serviceAccount.create -}}
{{- default (include "faultline.componentName" .) .v.serviceAccount.name -}}
{{- else -}}
{{- default "default" .v.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "faultline.image" -}}
{{- $repo := printf "%s/%s" (trimSuffix "/" .root.Values.image.repository) .v.image.name -}}
{{- if .v.image.digest -}}
{{- printf "%s@%s" $repo .v.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion .root.Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "faultline.kafkaSecretName" -}}
{{- if .Values.kafka.secret.create -}}
{{- printf "%s-kafka" (include "faultline.fullname" .) -}}
{{- else -}}
{{- .Values.kafka.secret.name -}}
{{- end -}}
{{- end -}}

{{/* The key of the Kafka Secret a service mounts (a chart-made Secret has one: kafka.yml). */}}
{{- define "faultline.kafkaSecretKey" -}}
{{- if .root.Values.kafka.secret.create -}}
kafka.yml
{{- else -}}
{{- required (printf "kafka.secret.keys.%s is required" .key) (index .root.Values.kafka.secret.keys .key) -}}
{{- end -}}
{{- end -}}

{{- define "faultline.platformKeysName" -}}
{{- printf "%s-platform-keys" (include "faultline.fullname" .) -}}
{{- end -}}

{{/* Where the pods find what the chart mounts. */}}
{{- define "faultline.paths.config" -}}/etc/faultline/config{{- end -}}
{{- define "faultline.paths.kafka" -}}/etc/faultline/kafka{{- end -}}
{{- define "faultline.paths.state" -}}/var/lib/faultline/state{{- end -}}
{{- define "faultline.paths.signing" -}}/etc/faultline/signing{{- end -}}
{{- define "faultline.paths.platformKeys" -}}/etc/faultline/platform-keys{{- end -}}

{{/*
The application.yml the chart gives a service (a ConfigMap, added through
spring.config.additional-location): the service's `config` values with the chart's own settings
laid over them (paths of what the chart mounts, auth, signing), so a mount cannot be pointed
elsewhere by mistake.
*/}}
{{- define "faultline.applicationConfig" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $chart := dict -}}
{{- if eq .key "policy" -}}
{{- $keys := dict -}}
{{- range $id, $pem := $root.Values.signing.publicKeys -}}
{{- $_ := set $keys $id (printf "%s/%s.pem" (include "faultline.paths.platformKeys" $root) $id) -}}
{{- end -}}
{{- $policy := dict "state-dir" (include "faultline.paths.state" $root) "replication-factor" $v.replicationFactor "platform-max-active-faults" $v.platformMaxActiveFaults -}}
{{- if $keys -}}
{{- $_ := set $policy "signatures" (dict "platform-keys" $keys) -}}
{{- end -}}
{{- $_ := set $chart "faultline" (dict "policy" $policy) -}}
{{- else if eq .key "scheduler" -}}
{{- $scheduler := dict "state-dir" (include "faultline.paths.state" $root) "create-topics" $v.createTopics -}}
{{- $hub := default $root.Values.executor.serviceAccount.roleArn $v.hubRoleArn -}}
{{- if $hub -}}
{{- $_ := set $scheduler "hub-role-arn" $hub -}}
{{- end -}}
{{- if $root.Values.signing.privateKeySecret.name -}}
{{- $_ := set $scheduler "signing" (dict "private-key-file" (printf "%s/private-key.pem" (include "faultline.paths.signing" $root)) "key-id" $root.Values.signing.keyId) -}}
{{- end -}}
{{- $security := dict "audience" $v.auth.audience "tenant-claim" $v.auth.tenantClaim "roles-claim" $v.auth.rolesClaim -}}
{{- $_ := set $chart "faultline" (dict "scheduler" $scheduler "security" $security) -}}
{{- $jwt := dict -}}
{{- with $v.auth.issuerUri }}{{ $_ := set $jwt "issuer-uri" . }}{{ end -}}
{{- with $v.auth.jwkSetUri }}{{ $_ := set $jwt "jwk-set-uri" . }}{{ end -}}
{{- $_ := set $chart "spring" (dict "security" (dict "oauth2" (dict "resourceserver" (dict "jwt" $jwt)))) -}}
{{- end -}}
{{- $merged := mergeOverwrite (deepCopy (default (dict) $v.config)) $chart -}}
{{- toYaml $merged -}}
{{- end -}}

{{/*
Refuses values that would turn on the scheduler's development tokens (/dev/tokens, HS256 tokens
minted by the service itself): a deployment must trust an identity provider only.
*/}}
{{- define "faultline.refuseDevTokens" -}}
{{- $s := .Values.scheduler -}}
{{- $blob := lower (toJson (list $s.config $s.extraEnv $s.extraEnvFrom $s.jvmOptions)) -}}
{{- if regexMatch "dev[-_.]?tokens|faultline_dev_secret" $blob -}}
{{- fail "scheduler: development tokens (faultline.security.dev-tokens.*, FAULTLINE_DEV_SECRET) cannot be set through this chart; configure scheduler.auth with your identity provider" -}}
{{- end -}}
{{- $local := regexMatch "profiles(\\.|\":\\{\")(active|include)(=|\":\")[^\"\\s]*local" $blob -}}
{{- range $s.extraEnv -}}
{{- if and (regexMatch "(?i)^spring_profiles_(active|include)$" (toString .name)) (contains "local" (lower (toString .value))) -}}
{{- $local = true -}}
{{- end -}}
{{- end -}}
{{- if $local -}}
{{- fail "scheduler: the `local` Spring profile turns development tokens on and cannot be set through this chart" -}}
{{- end -}}
{{- if not (or $s.auth.issuerUri $s.auth.jwkSetUri) -}}
{{- fail "scheduler.auth.issuerUri or scheduler.auth.jwkSetUri is required: the identity provider that issues Faultline's API tokens" -}}
{{- end -}}
{{- end -}}

{{- define "faultline.validate" -}}
{{- if not (or .Values.kafka.secret.name .Values.kafka.secret.create) -}}
{{- fail "kafka.secret.name is required (an existing Secret holding each service's spring.kafka.* file), or set kafka.secret.create with kafka.secret.config" -}}
{{- end -}}
{{- if and .Values.kafka.secret.create (not .Values.kafka.secret.config) -}}
{{- fail "kafka.secret.create needs kafka.secret.config (spring.kafka.* settings)" -}}
{{- end -}}
{{- if .Values.scheduler.enabled -}}
{{- include "faultline.refuseDevTokens" . -}}
{{- end -}}
{{- if not (regexMatch "^[A-Za-z0-9_-]+$" .Values.signing.keyId) -}}
{{- fail "signing.keyId may hold letters, digits, '-' and '_' only" -}}
{{- end -}}
{{- range $id, $pem := .Values.signing.publicKeys -}}
{{- if not (regexMatch "^[A-Za-z0-9_-]+$" $id) -}}
{{- fail (printf "signing.publicKeys: key id %q may hold letters, digits, '-' and '_' only" $id) -}}
{{- end -}}
{{- if not (contains "BEGIN PUBLIC KEY" $pem) -}}
{{- fail (printf "signing.publicKeys.%s is not a PEM public key (BEGIN PUBLIC KEY)" $id) -}}
{{- end -}}
{{- end -}}
{{- if .Values.signing.privateKeySecret.name -}}
{{- if not (hasKey .Values.signing.publicKeys .Values.signing.keyId) -}}
{{- fail (printf "signing.publicKeys must hold the scheduler's key %q, or the policy service refuses every request the scheduler signs (UNKNOWN_KEY)" .Values.signing.keyId) -}}
{{- end -}}
{{- end -}}
{{- end -}}
